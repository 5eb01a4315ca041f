import type { Encoded } from '../typed-json.ts';
import { asOutboundResponse, responseBody } from './outbound-exchange.ts';

/**
 * Replaying an undici dispatch: the handler the caller gave is answered with the recorded outcome through
 * the protocol it speaks — onRequestStart/onResponseStart/onResponseData/onResponseEnd with a controller
 * (undici 7–8), or onConnect/onHeaders/onData/onComplete (undici 6) — honouring pause and abort, and no
 * socket is made.
 */

export type Handler = Record<string | symbol, unknown>;

/** The controller a handler of the newer protocol is given during replay. */
class ReplayController {
  rawHeaders: Buffer[] | null = null;
  rawTrailers: Buffer[] | null = null;
  #aborted = false;
  #reason: unknown = null;
  #paused = false;
  #onResume: (() => void) | null = null;
  abort(reason: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason;
  }
  pause(): void {
    this.#paused = true;
  }
  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    const next = this.#onResume;
    this.#onResume = null;
    next?.();
  }
  get aborted(): boolean {
    return this.#aborted;
  }
  get reason(): unknown {
    return this.#reason;
  }
  get paused(): boolean {
    return this.#paused;
  }
  /** Runs `next` now, or once the handler resumes. */
  whenFlowing(next: () => void): void {
    if (this.#paused) this.#onResume = next;
    else next();
  }
}

function call(handler: Handler, name: string, ...args: unknown[]): unknown {
  const method = handler[name];
  return typeof method === 'function'
    ? (method as (...a: unknown[]) => unknown).apply(handler, args)
    : undefined;
}

/** Answers a handler of the newer protocol (undici 7–8) with a recorded outcome. */
function answerController(handler: Handler, outcome: { result: Encoded } | { error: Error }): void {
  const controller = new ReplayController();
  const fail = (error: unknown): void => {
    call(handler, 'onResponseError', controller, error);
  };
  call(handler, 'onRequestStart', controller, {});
  if (controller.aborted) {
    fail(controller.reason);
    return;
  }
  if ('error' in outcome) {
    fail(outcome.error);
    return;
  }
  const response = asOutboundResponse(outcome.result);
  const raw: Buffer[] = [];
  const parsed: Record<string, string | string[]> = {};
  for (const [name, value] of response.headers) {
    raw.push(Buffer.from(name, 'latin1'), Buffer.from(value, 'latin1'));
    const key = name.toLowerCase();
    const existing = parsed[key];
    parsed[key] =
      existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  controller.rawHeaders = raw;
  controller.rawTrailers = [];
  call(handler, 'onResponseStart', controller, response.status, parsed, response.statusText);
  if (controller.aborted) {
    fail(controller.reason);
    return;
  }
  const body = responseBody(response);
  controller.whenFlowing(() => {
    if (body.length > 0) call(handler, 'onResponseData', controller, body);
    controller.whenFlowing(() => {
      if (controller.aborted) {
        fail(controller.reason);
        return;
      }
      call(handler, 'onResponseEnd', controller, {});
    });
  });
}

/** Answers a handler of the older protocol (undici 6) with a recorded outcome. */
function answerLegacy(handler: Handler, outcome: { result: Encoded } | { error: Error }): void {
  let aborted: unknown = null;
  call(
    handler,
    'onConnect',
    (reason: unknown) => {
      aborted ??= reason ?? new Error('aborted');
    },
    {},
  );
  if (aborted !== null) return void call(handler, 'onError', aborted);
  if ('error' in outcome) return void call(handler, 'onError', outcome.error);
  const response = asOutboundResponse(outcome.result);
  const raw: Buffer[] = [];
  for (const [name, value] of response.headers)
    raw.push(Buffer.from(name, 'latin1'), Buffer.from(value, 'latin1'));
  let resume: (() => void) | null = null;
  const whenFlowing = (paused: unknown, next: () => void): void => {
    if (paused === false) resume = next;
    else next();
  };
  const body = responseBody(response);
  const paused = call(
    handler,
    'onHeaders',
    response.status,
    raw,
    () => {
      const next = resume;
      resume = null;
      next?.();
    },
    response.statusText,
  );
  whenFlowing(paused, () => {
    const more = body.length > 0 ? call(handler, 'onData', body) : true;
    whenFlowing(more, () => {
      if (aborted !== null) call(handler, 'onError', aborted);
      else call(handler, 'onComplete', []);
    });
  });
}

/** Answers a dispatch handler with a recorded response or error, in the protocol it speaks. */
export function answerHandler(handler: Handler, outcome: { result: Encoded } | { error: Error }): void {
  const modern =
    typeof handler.onRequestStart === 'function' || typeof handler.onResponseStart === 'function';
  try {
    if (modern) answerController(handler, outcome);
    else answerLegacy(handler, outcome);
  } catch (error) {
    if (modern) call(handler, 'onResponseError', null, error);
    else call(handler, 'onError', error);
  }
}
