import type { Tracer } from '../tracer.ts';

/** Outbound HTTP from node:http/node:https and the global fetch. */
export function installOutbound(_tracer: Tracer): void {}
