import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { delayOf } from './delay-knob.ts';
import type { FaultSwitch } from './fault-switch.ts';
import { HttpError } from './http-error.ts';
import { bodyFormatOf, wantsProtobuf } from './media-types.ts';
import { writeError, writeReply } from './reply.ts';
import type { RequestContext, Router } from './router.ts';
import { DuplicateEmailError } from './store.ts';

/** Largest request body read (photos are limited to 10 MiB by their endpoint). */
export const MAX_BODY_BYTES = 16 * 1_048_576;
const FAULT_FREE_PREFIX = '/__faults';
const EMPTY = Buffer.alloc(0);

/**
 * One request: route, read the body, apply the test knobs (`?delay=`, then faults), run the handler, and
 * map errors to JSON statuses. Unexpected errors are logged and answered with a bare 500.
 */
export function createRequestHandler(
  router: Router,
  faults: FaultSwitch,
  log: (line: string) => void,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handle(req, res).catch((error: unknown) => {
      log(`demo: internal error on ${req.method} ${req.url}: ${(error as Error).stack ?? String(error)}`);
      writeError(res, 500, 'internal server error');
    });
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const match = router.match(method, path);
    if (match.kind === 'not-found') {
      req.resume();
      writeError(res, 404, `no route for ${method} ${path}`);
      return;
    }
    if (match.kind === 'wrong-method') {
      req.resume();
      writeError(res, 405, `${method} is not allowed on ${path} (allowed: ${match.allowed.join(', ')})`, {
        Allow: match.allowed.join(', '),
      });
      return;
    }
    try {
      const query = new URLSearchParams(q === -1 ? '' : url.slice(q + 1));
      const delay = delayOf(query);
      const body = await readBody(req);
      if (delay > 0) await sleep(delay);
      if (!path.startsWith(FAULT_FREE_PREFIX)) {
        const fault = faults.decide();
        if (fault === 'reset') {
          req.socket.destroy();
          return;
        }
        if (fault === 'error') {
          const { errorRate } = faults.rates;
          writeError(
            res,
            500,
            `injected fault (errorRate ${errorRate}): a volley demo test knob, see GET /__faults`,
          );
          return;
        }
      }
      const ctx: RequestContext = {
        method,
        path,
        params: match.params,
        query,
        headers: req.headers,
        body,
        bodyFormat: bodyFormatOf(req.headers['content-type'], body.length),
      };
      const reply = await match.handler(ctx);
      writeReply(res, reply, reply.kind === 'message' && wantsProtobuf(req.headers.accept, ctx.bodyFormat));
    } catch (error) {
      if (error instanceof HttpError) writeError(res, error.status, error.message, { ...error.headers });
      else if (error instanceof DuplicateEmailError) writeError(res, 409, error.message);
      else throw error;
    }
  }
}

/** The whole body; skipped when the request announces none (most GETs), so they cost no extra await. */
function readBody(req: IncomingMessage): Promise<Buffer> | Buffer {
  const length = req.headers['content-length'];
  if ((length === undefined || length === '0') && req.headers['transfer-encoding'] === undefined)
    return EMPTY;
  if (length !== undefined && Number(length) > MAX_BODY_BYTES) {
    req.resume();
    throw tooLarge();
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => (size > MAX_BODY_BYTES ? reject(tooLarge()) : resolve(Buffer.concat(chunks, size))));
    // A client that hangs up mid-body gets no answer anyway; a 400 keeps it out of the error log.
    req.on('close', () => {
      if (!req.complete) reject(new HttpError(400, 'request body aborted'));
    });
  });
}

function tooLarge(): HttpError {
  return new HttpError(413, `request body larger than ${MAX_BODY_BYTES / 1_048_576} MiB`);
}
