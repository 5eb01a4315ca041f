/** How a request body is encoded, from its Content-Type. */
export type BodyFormat = 'none' | 'json' | 'form' | 'protobuf' | 'other';

/** Protobuf bodies as real clients label them; grpc+proto is a raw message here (no gRPC framing). */
const PROTOBUF_TYPES = new Set([
  'application/x-protobuf',
  'application/protobuf',
  'application/vnd.google.protobuf',
  'application/grpc+proto',
]);

export const PROTOBUF_CONTENT_TYPE = 'application/x-protobuf';

function mediaType(value: string): string {
  const semicolon = value.indexOf(';');
  return (semicolon === -1 ? value : value.slice(0, semicolon)).trim().toLowerCase();
}

/** A missing Content-Type on a non-empty body is read as JSON (what curl users and most scripts mean). */
export function bodyFormatOf(contentType: string | undefined, bodyLength: number): BodyFormat {
  if (contentType === undefined || contentType.trim() === '') return bodyLength === 0 ? 'none' : 'json';
  const type = mediaType(contentType);
  if (type === 'application/json' || type.endsWith('+json')) return 'json';
  if (type === 'application/x-www-form-urlencoded') return 'form';
  if (PROTOBUF_TYPES.has(type)) return 'protobuf';
  return 'other';
}

/**
 * Whether a message reply should be protobuf: an Accept header naming a protobuf type (and preferring it
 * to JSON) says yes, one naming JSON says no; otherwise (absent, `*∕*`) answer in the request's format.
 */
export function wantsProtobuf(accept: string | undefined, requestFormat: BodyFormat): boolean {
  if (accept !== undefined) {
    let protobufQ = -1;
    let jsonQ = -1;
    for (const part of accept.split(',')) {
      const type = mediaType(part);
      const q = /;\s*q=([0-9.]+)/.exec(part);
      const weight = q === null ? 1 : Number(q[1]);
      if (PROTOBUF_TYPES.has(type)) protobufQ = Math.max(protobufQ, weight);
      else if (type === 'application/json') jsonQ = Math.max(jsonQ, weight);
    }
    if (protobufQ > 0 && protobufQ >= jsonQ) return true;
    if (jsonQ > 0) return false;
  }
  return requestFormat === 'protobuf';
}
