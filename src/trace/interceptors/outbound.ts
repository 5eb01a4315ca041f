import type { Tracer } from '../tracer.ts';
import { installFetch } from './fetch.ts';
import { installHttpClient } from './http-client.ts';

/** Outbound HTTP from node:http/node:https and the global fetch. */
export function installOutbound(tracer: Tracer): void {
  installHttpClient(tracer);
  installFetch(tracer);
}
