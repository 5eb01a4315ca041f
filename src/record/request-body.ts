import { createHash } from 'node:crypto';
import type { FormData } from 'undici';
import type { HarPostData } from './har.ts';

/** A request body as dispatched: what the HTTP client hands undici. */
export type DispatchedBody = string | Uint8Array | FormData | null | undefined | unknown;

/** Text that is valid UTF-8 and round-trips, or null for binary bytes. */
export function utf8Text(bytes: Uint8Array): string | null {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  return Buffer.byteLength(text) === bytes.byteLength && !text.includes('\uFFFD') ? text : null;
}

/**
 * A request body as HAR postData (null when there is none), and the canonical text replay compares:
 * the text itself, base64 for binary bytes, and for multipart forms one line per part (files by name,
 * type, size and SHA-256, since the boundary changes every time).
 */
export async function describeBody(
  body: DispatchedBody,
  contentType: string | undefined,
): Promise<{ postData: HarPostData; size: number } | null> {
  if (body === null || body === undefined) return null;
  const mimeType = contentType ?? '';
  if (typeof body === 'string') {
    return { postData: { mimeType, text: body }, size: Buffer.byteLength(body) };
  }
  if (body instanceof Uint8Array) {
    const text = utf8Text(body);
    return {
      postData: { mimeType, text: text ?? `base64:${Buffer.from(body).toString('base64')}` },
      size: body.byteLength,
    };
  }
  if (isFormData(body)) {
    const params: NonNullable<HarPostData['params']> = [];
    const lines: string[] = [];
    let size = 0;
    for (const [name, value] of body.entries()) {
      if (typeof value === 'string') {
        params.push({ name, value });
        lines.push(`${name}=${value}`);
        size += Buffer.byteLength(value);
        continue;
      }
      const bytes = new Uint8Array(await value.arrayBuffer());
      const sha = createHash('sha256').update(bytes).digest('hex');
      params.push({ name, fileName: value.name, contentType: value.type });
      lines.push(`${name}=@${value.name};type=${value.type};size=${bytes.byteLength};sha256=${sha}`);
      size += bytes.byteLength;
    }
    return {
      postData: { mimeType: mimeType || 'multipart/form-data', text: lines.join('\n'), params },
      size,
    };
  }
  return { postData: { mimeType, text: String(body) }, size: 0 };
}

function isFormData(body: unknown): body is FormData {
  return (
    typeof body === 'object' &&
    body !== null &&
    (body as { [Symbol.toStringTag]?: string })[Symbol.toStringTag] === 'FormData'
  );
}
