import type { Dispatcher } from 'undici';
import type { HarEntry } from './har.ts';
import { headerObject } from './headers.ts';

/** The failure a replayed request gets: a recorded network error, or a request the recording does not have. */
export class ReplayError extends Error {
  override readonly name = 'ReplayError';
}

/** A dispatch controller for an answer that never touched a socket. */
class ReplayController implements Dispatcher.DispatchController {
  aborted = false;
  paused = false;
  reason: Error | null = null;
  abort(reason: Error): void {
    this.aborted = true;
    this.reason = reason;
  }
  pause(): void {
    this.paused = true;
  }
  resume(): void {
    this.paused = false;
  }
}

/** The body bytes of a recorded response. */
export function responseBody(entry: HarEntry): Buffer {
  const { text, encoding } = entry.response.content;
  if (text === undefined) return Buffer.alloc(0);
  return encoding === 'base64' ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8');
}

/** Answers a request from a recorded entry, through the same callbacks a real response goes through. */
export function serveRecorded(entry: HarEntry, handler: Dispatcher.DispatchHandler): void {
  const controller = new ReplayController();
  handler.onRequestStart?.(controller, {});
  if (controller.aborted) {
    handler.onResponseError?.(controller, controller.reason ?? new ReplayError('aborted'));
    return;
  }
  const { response } = entry;
  if (response.status === 0) {
    handler.onResponseError?.(controller, new ReplayError(response._error ?? 'no response (recorded)'));
    return;
  }
  const headers = headerObject(response.headers);
  const body = responseBody(entry);
  if (headers['content-length'] !== undefined) headers['content-length'] = String(body.byteLength);
  handler.onResponseStart?.(controller, response.status, headers, response.statusText);
  if (body.byteLength > 0 && !controller.aborted) handler.onResponseData?.(controller, body);
  if (controller.aborted)
    handler.onResponseError?.(controller, controller.reason ?? new ReplayError('aborted'));
  else handler.onResponseEnd?.(controller, {});
}

/** Fails a request without a response (divergence, nothing recorded for it). */
export function failReplay(handler: Dispatcher.DispatchHandler, message: string): void {
  const controller = new ReplayController();
  handler.onRequestStart?.(controller, {});
  handler.onResponseError?.(controller, new ReplayError(message));
}
