import { badRequest, HttpError } from './http-error.ts';
import type { RequestContext } from './router.ts';

export type Fields = Record<string, unknown>;

/**
 * The request body as named fields: a JSON object, or (when `form` is allowed) an
 * application/x-www-form-urlencoded body as the registration/login suites send it. An empty body is `{}`,
 * so validation names the first missing field.
 */
export function readFields(ctx: RequestContext, options: { form?: boolean } = {}): Fields {
  if (ctx.bodyFormat === 'none' || (ctx.body.length === 0 && ctx.bodyFormat !== 'other')) return {};
  if (ctx.bodyFormat === 'json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(ctx.body.toString('utf8'));
    } catch {
      throw badRequest('body is not valid JSON');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw badRequest('body must be a JSON object');
    }
    return parsed as Fields;
  }
  if (ctx.bodyFormat === 'form' && options.form === true) {
    return Object.fromEntries(new URLSearchParams(ctx.body.toString('utf8')));
  }
  const accepted =
    options.form === true ? 'application/json or application/x-www-form-urlencoded' : 'application/json';
  throw new HttpError(415, `unsupported Content-Type ${describeContentType(ctx)}: send ${accepted}`);
}

export function describeContentType(ctx: RequestContext): string {
  return JSON.stringify(ctx.headers['content-type'] ?? '');
}
