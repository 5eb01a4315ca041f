import type { RequestOptions } from './types.ts';

export interface EncodedBody {
  body: string | Uint8Array;
  /** The content-type to send unless the request sets one; null for a raw body. */
  contentType: string | null;
}

/** Encodes a json, form or raw body; null when there is none (or it is multipart, see multipart.ts). */
export function encodeBody(opts: RequestOptions): EncodedBody | null {
  if (opts.json !== undefined) return { body: JSON.stringify(opts.json), contentType: 'application/json' };
  if (opts.form !== undefined)
    return { body: encodeForm(opts.form), contentType: 'application/x-www-form-urlencoded' };
  if (opts.body !== undefined) return { body: opts.body, contentType: null };
  return null;
}

function encodeForm(form: Record<string, string | number | boolean>): string {
  const params = new URLSearchParams();
  for (const name in form) params.append(name, String(form[name]));
  return params.toString();
}
