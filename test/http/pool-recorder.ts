import type { Dispatcher } from 'undici';

/** What a recorder was told about its request. */
export interface Recorded {
  status?: number;
  body: string;
  error?: string;
  ended: boolean;
  /** Every controller the request was started with: a retried request is started twice. */
  starts: Dispatcher.DispatchController[];
}

/**
 * A DispatchHandler for driving PlainPool directly that keeps what it was told; `done` settles at the
 * response's end or failure. Like volley's Exchange, once settled it aborts any later start (a request
 * given up while it waited must not be sent), and `giveUp` makes it give up before it is sent at all.
 */
export function recorder(
  options: { giveUp?: Error; onStart?: (controller: Dispatcher.DispatchController) => void } = {},
) {
  const seen: Recorded = { body: '', ended: false, starts: [] };
  let settled = options.giveUp !== undefined;
  let settle = () => {};
  const done = new Promise<void>((resolve) => {
    settle = resolve;
  });
  const handler: Dispatcher.DispatchHandler = {
    onRequestStart: (controller) => {
      seen.starts.push(controller);
      if (settled) {
        controller.abort(options.giveUp ?? new Error('already settled'));
        return;
      }
      options.onStart?.(controller);
    },
    onResponseStart: (_c, status) => {
      seen.status = status;
    },
    onResponseData: (_c, chunk) => {
      seen.body += Buffer.from(chunk).toString();
    },
    onResponseEnd: () => {
      seen.ended = true;
      settled = true;
      settle();
    },
    onResponseError: (_c, error) => {
      seen.error = error.message;
      settled = true;
      settle();
    },
  };
  return { seen, handler, done };
}

export const GET = { method: 'GET', path: '/', headers: {}, body: null } as const;
