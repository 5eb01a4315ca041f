import { brotliCompressSync, deflateSync, gzipSync, zstdCompressSync } from 'node:zlib';
import { decodeContent } from '../http/content-encoding.ts';
import { utf8Text } from './request-body.ts';

const ENCODERS: Record<string, (bytes: Buffer) => Buffer> = {
  gzip: gzipSync,
  'x-gzip': gzipSync,
  deflate: deflateSync,
  br: brotliCompressSync,
  zstd: zstdCompressSync,
};

/**
 * A compressed body (base64, as recorded) whose text `change` rewrote, compressed again the same way, so
 * a replay still serves it with its Content-Encoding. The same base64 when the body is not text, its
 * encoding unknown (or several), or nothing changed.
 */
export function mapEncodedText(base64: string, encoding: string, change: (text: string) => string): string {
  const encode = ENCODERS[encoding.trim().toLowerCase()];
  if (encode === undefined) return base64;
  let text: string | null;
  try {
    text = utf8Text(decodeContent(Buffer.from(base64, 'base64'), encoding));
  } catch {
    return base64;
  }
  if (text === null) return base64;
  const changed = change(text);
  return changed === text ? base64 : encode(Buffer.from(changed)).toString('base64');
}
