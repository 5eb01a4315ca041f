/** A response read in full: status, headers, raw bytes, and the JSON body when there is one. */
export interface TestResponse {
  status: number;
  headers: Headers;
  bytes: Uint8Array;
  text: string;
  /** Parsed JSON (undefined for other content types). */
  body: unknown;
}

export interface CallOptions {
  /** Sent as JSON with Content-Type application/json. */
  json?: unknown;
  body?: string | Uint8Array | URLSearchParams;
  headers?: Record<string, string>;
  /** Sent as Authorization: Bearer TOKEN. */
  token?: string;
}

export async function call(
  base: string,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<TestResponse> {
  const headers: Record<string, string> = { ...options.headers };
  let body = options.body;
  if (options.json !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = JSON.stringify(options.json);
  }
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  const res = await fetch(`${base}${path}`, { method, headers, body });
  const bytes = new Uint8Array(await res.arrayBuffer());
  const text = new TextDecoder().decode(bytes);
  const isJson = (res.headers.get('content-type') ?? '').startsWith('application/json');
  return {
    status: res.status,
    headers: res.headers,
    bytes,
    text,
    body: isJson ? JSON.parse(text) : undefined,
  };
}

/** The body as a JSON object (fails the test otherwise). */
export function obj(res: TestResponse): Record<string, unknown> {
  if (typeof res.body !== 'object' || res.body === null || Array.isArray(res.body)) {
    throw new Error(`expected a JSON object, got HTTP ${res.status}: ${res.text.slice(0, 200)}`);
  }
  return res.body as Record<string, unknown>;
}

/** The body as a JSON array of objects (fails the test otherwise). */
export function list(res: TestResponse): Record<string, unknown>[] {
  if (!Array.isArray(res.body))
    throw new Error(`expected a JSON array, got HTTP ${res.status}: ${res.text.slice(0, 200)}`);
  return res.body as Record<string, unknown>[];
}

let sequence = 0;

/** An email no other test (or earlier run on a kept database) has used. */
export function uniqueEmail(prefix = 'user'): string {
  sequence++;
  return `${prefix}.${process.pid}.${Date.now().toString(36)}.${sequence}@example.com`;
}
