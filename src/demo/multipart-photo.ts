import { badRequest, HttpError } from './http-error.ts';
import type { RequestContext } from './router.ts';

/** A photo received as a multipart/form-data file field. */
export interface UploadedPhoto {
  bytes: Uint8Array;
  filename: string;
  contentType: string;
  /** The form's `photoType` text field, if sent. */
  photoType: string | null;
}

/** What the bytes start with, per declared type: a part labelled image/jpeg must be a JPEG. */
const SIGNATURES: Readonly<Record<string, readonly number[]>> = {
  'image/jpeg': [0xff, 0xd8, 0xff],
  'image/png': [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
};

/**
 * Reads the `photo` file field of a multipart/form-data body, as a phone app uploads a picture, and
 * checks it: a file part with a name, a JPEG or PNG content type, and bytes that are what it claims.
 * Parsing is the platform's own (the fetch API's FormData), not ours.
 */
export async function readPhotoUpload(ctx: RequestContext, maxBytes: number): Promise<UploadedPhoto> {
  const type = ctx.headers['content-type'] ?? '';
  if (!/^multipart\/form-data\s*;.*boundary=/i.test(type)) {
    throw new HttpError(415, 'send the photo as multipart/form-data with a file field "photo"');
  }
  let form: FormData;
  try {
    form = await new Response(new Uint8Array(ctx.body), { headers: { 'content-type': type } }).formData();
  } catch {
    throw badRequest('invalid multipart/form-data body');
  }
  const photo = form.get('photo');
  if (photo === null || typeof photo === 'string') throw badRequest('file field "photo" is required');
  if (!photo.name) throw badRequest('file field "photo" has no filename');
  const bytes = new Uint8Array(await photo.arrayBuffer());
  if (bytes.length === 0) throw badRequest('file field "photo" is empty');
  if (bytes.length > maxBytes) throw badRequest(`file field "photo" must be at most ${maxBytes} bytes`);
  const contentType = photo.type.toLowerCase();
  const signature = SIGNATURES[contentType];
  if (!signature) throw badRequest(`file field "photo" must be image/jpeg or image/png, got "${photo.type}"`);
  if (!signature.every((byte, i) => bytes[i] === byte)) {
    throw badRequest(`file field "photo" is labelled ${contentType} but its bytes are not one`);
  }
  const photoType = form.get('photoType');
  return {
    bytes,
    filename: photo.name,
    contentType,
    photoType: typeof photoType === 'string' ? photoType : null,
  };
}
