import { Blob } from 'node:buffer';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, extname } from 'node:path';
import type { FormData } from 'undici';
import type { FilePart } from './types.ts';

type FieldValue = string | number | boolean;

/** A file to upload could not be read. */
export class UploadFileError extends Error {
  override readonly name = 'UploadFileError';

  constructor(path: string, cause: unknown) {
    const code =
      typeof cause === 'object' && cause !== null && 'code' in cause ? String(cause.code) : String(cause);
    super(`cannot read file to upload ${path} (${code})`, { cause });
  }
}

/** File contents by path, read once per process: every user uploads the same fixture files. */
const fileCache = new Map<string, Promise<Buffer>>();

function readCached(path: string): Promise<Buffer> {
  let contents = fileCache.get(path);
  if (contents === undefined) {
    contents = readFile(path).catch((error: unknown) => {
      // A failed read is not cached, so a file created later is picked up.
      fileCache.delete(path);
      throw new UploadFileError(path, error);
    });
    fileCache.set(path, contents);
  }
  return contents;
}

const CONTENT_TYPES: Record<string, string> = {
  '.json': 'application/json',
  '.txt': 'text/plain',
  '.csv': 'text/csv',
  '.html': 'text/html',
  '.xml': 'application/xml',
  '.pdf': 'application/pdf',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.svg': 'image/svg+xml',
  '.zip': 'application/zip',
  '.gz': 'application/gzip',
};

function contentTypeOf(filename: string): string {
  return CONTENT_TYPES[extname(filename).toLowerCase()] ?? 'application/octet-stream';
}

async function appendFile(form: FormData, field: string, part: FilePart): Promise<void> {
  if (typeof part === 'string') part = { path: part };
  if ('path' in part) {
    const filename = part.filename ?? basename(part.path);
    const data = await readCached(part.path);
    form.append(field, new Blob([data], { type: part.contentType ?? contentTypeOf(filename) }), filename);
    return;
  }
  const type = part.contentType ?? contentTypeOf(part.filename);
  form.append(field, new Blob([part.data], { type }), part.filename);
}

/** A multipart/form-data body; undici adds the content-type with its boundary. */
export async function multipartBody(
  fields: Record<string, FieldValue> | undefined,
  files: Record<string, FilePart> | undefined,
): Promise<FormData> {
  // undici on first use: it weighs on start-up, and most requests are not multipart.
  const { FormData: UndiciFormData } = createRequire(import.meta.url)('undici') as typeof import('undici');
  const form = new UndiciFormData();
  if (fields !== undefined) {
    for (const name in fields) form.append(name, String(fields[name]));
  }
  if (files !== undefined) {
    for (const field in files) {
      const part = files[field];
      if (part !== undefined) await appendFile(form, field, part);
    }
  }
  return form;
}
