import type { ServerResponse } from 'node:http';
import type protobuf from 'protobufjs';
import { PROTOBUF_CONTENT_TYPE } from './media-types.ts';

/**
 * A handler's answer. `message` replies are protobuf-shaped objects sent as protobuf or JSON depending on
 * what the client asked for (see wantsProtobuf); their JSON uses the .proto field names.
 */
export type Reply =
  | { kind: 'json'; status: number; body: unknown; headers?: Record<string, string> }
  | { kind: 'text'; status: number; body: string }
  | { kind: 'message'; status: number; type: protobuf.Type; body: object };

export function json(body: unknown, status = 200): Reply {
  return { kind: 'json', status, body };
}

export function text(body: string, status = 200): Reply {
  return { kind: 'text', status, body };
}

export function message(type: protobuf.Type, body: object, status = 200): Reply {
  return { kind: 'message', status, type, body };
}

/** Writes the reply in one writeHead + end (no chunking: every body is small and known in full). */
export function writeReply(res: ServerResponse, reply: Reply, asProtobuf: boolean): void {
  if (reply.kind === 'message') {
    if (asProtobuf) {
      const bytes = reply.type.encode(reply.type.fromObject(reply.body)).finish();
      send(res, reply.status, PROTOBUF_CONTENT_TYPE, bytes, { Vary: 'Accept' });
    } else {
      send(res, reply.status, 'application/json', JSON.stringify(reply.body), { Vary: 'Accept' });
    }
  } else if (reply.kind === 'json') {
    send(res, reply.status, 'application/json', JSON.stringify(reply.body), reply.headers);
  } else {
    send(res, reply.status, 'text/plain; charset=utf-8', reply.body);
  }
}

/** `{ "error": message }` with the status; the message never carries a stack. */
export function writeError(
  res: ServerResponse,
  status: number,
  message: string,
  headers?: Record<string, string>,
): void {
  send(res, status, 'application/json', JSON.stringify({ error: message }), headers);
}

function send(
  res: ServerResponse,
  status: number,
  contentType: string,
  body: string | Uint8Array,
  headers?: Record<string, string>,
): void {
  if (res.headersSent || res.destroyed) return;
  const length = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
  res.writeHead(status, { ...headers, 'Content-Type': contentType, 'Content-Length': length });
  res.end(body);
}
