/** The environment `volley trace` hands the traced command; the preload reads it. */
export const TRACE_ENV = {
  mode: 'VOLLEY_TRACE_MODE',
  file: 'VOLLEY_TRACE_FILE',
  events: 'VOLLEY_TRACE_EVENTS',
  /** JSON `{ redact, keep }`: names added to and kept from the redaction rules. */
  redact: 'VOLLEY_TRACE_REDACT',
  /** The pid of `volley trace`: a traced process outlives it by at most a second. */
  parent: 'VOLLEY_TRACE_PARENT',
  /** `none`: nothing is intercepted (the control run that must fail). */
  intercept: 'VOLLEY_TRACE_INTERCEPT',
} as const;

/** The preload module, in the same form (TypeScript source or built JavaScript) as this file. */
export function preloadUrl(): string {
  const ext = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
  return new URL(`./preload.${ext}`, import.meta.url).href;
}

/** NODE_OPTIONS with the preload added, keeping what the user had. */
export function nodeOptionsWithPreload(existing: string | undefined): string {
  const own = `--import=${preloadUrl()}`;
  return existing ? `${existing} ${own}` : own;
}
