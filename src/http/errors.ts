import type { VolleyResponse } from './types.ts';

/** Thrown by a request with `throwOnFailure` when it fails; carries the response (status 0 on network errors). */
export class RequestFailedError extends Error {
  override readonly name = 'RequestFailedError';
  readonly method: string;
  readonly response: VolleyResponse;

  constructor(method: string, sampleName: string, response: VolleyResponse) {
    super(`${method} ${sampleName} failed: ${response.error ?? 'unknown error'}`);
    this.method = method;
    this.response = response;
  }
}

/** The server closed the connection before the response was complete (undici's SocketError, same code). */
export class SocketClosedError extends Error {
  override readonly name = 'SocketError';
  readonly code = 'UND_ERR_SOCKET';
  readonly socket: { remoteAddress: string | undefined; remotePort: number | undefined };

  constructor(remoteAddress: string | undefined, remotePort: number | undefined) {
    super('other side closed');
    this.socket = { remoteAddress, remotePort };
  }
}

/** No connection within the connect timeout (undici's ConnectTimeoutError, same code and message). */
export class ConnectTimeoutError extends Error {
  override readonly name = 'ConnectTimeoutError';
  readonly code = 'UND_ERR_CONNECT_TIMEOUT';

  constructor(address: string, timeoutMs: number) {
    super(`Connect Timeout Error (attempted address: ${address}, timeout: ${timeoutMs}ms)`);
  }
}

/** The proxy answered CONNECT with something other than 2xx; undici's refusal reads the same. */
export class ProxyRefusedError extends Error {
  override readonly name = 'ProxyRefusedError';
  readonly code = 'VOLLEY_PROXY_REFUSED';

  constructor(status: number) {
    super(`proxy refused the tunnel (HTTP ${status})`);
  }
}

/** text()/json()/bytes() on a response read with `discardBody`. */
export class BodyDiscardedError extends Error {
  override readonly name = 'BodyDiscardedError';

  constructor(url: string) {
    super(`the body of ${url} was discarded (discardBody: true), so text()/json()/bytes() are unavailable`);
  }
}

/** json() on a body that does not parse. */
export class ResponseNotJsonError extends Error {
  override readonly name = 'ResponseNotJsonError';

  constructor(url: string, status: number, body: string, cause: unknown) {
    const start = body.length > 60 ? `${body.slice(0, 60)}…` : body;
    super(
      `response from ${url} (HTTP ${status}) is not JSON: ${messageOf(cause)}; body starts with ${JSON.stringify(start)}`,
      {
        cause,
      },
    );
  }
}

/** Our whole-exchange deadline, used to abort the request. */
export class ResponseTimeoutError extends Error {
  override readonly name = 'ResponseTimeoutError';

  constructor(timeoutMs: number) {
    super(`timeout: no response within ${timeoutMs} ms`);
  }
}

interface ErrorFields {
  code?: unknown;
  message?: unknown;
  name?: unknown;
  address?: unknown;
  port?: unknown;
  hostname?: unknown;
  errors?: unknown;
  socket?: { remoteAddress?: unknown; remotePort?: unknown } | null;
}

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NODATA', 'EAI_NONAME']);
const UNREACHABLE_CODES = new Set(['EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN', 'EADDRNOTAVAIL']);
const TLS_CERT_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/**
 * One line saying what went wrong on the network, grouped as-is in the failures table, e.g.
 * `connection refused (ECONNREFUSED 127.0.0.1:1)`. Addresses stay, request details do not.
 */
export function describeNetworkError(error: unknown): string {
  if (error instanceof ResponseTimeoutError) return error.message;
  const e = innermost(error);
  const code = typeof e.code === 'string' ? e.code : '';
  const at = peerOf(e);
  switch (code) {
    case 'ECONNREFUSED':
      return `connection refused (ECONNREFUSED${at})`;
    case 'ECONNRESET':
    case 'EPIPE':
      return `connection reset (${code}${at})`;
    case 'UND_ERR_SOCKET': {
      // undici closes the connection on these, but the server sent them: say what it sent.
      const message = messageOf(e);
      if (message === 'bad upgrade') return 'invalid HTTP response: unexpected protocol upgrade (101)';
      if (message === 'bad response') return 'invalid HTTP response: unexpected 100 Continue';
      return `connection reset (${message}${at})`;
    }
    case 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH':
      return `invalid HTTP response: body length does not match Content-Length (${code})`;
    case 'UND_ERR_HEADERS_OVERFLOW':
      return `invalid HTTP response: head larger than 64 KiB (${code})`;
    case 'ETIMEDOUT':
      return `connect timeout (ETIMEDOUT${at})`;
    case 'UND_ERR_CONNECT_TIMEOUT': {
      // undici: "Connect Timeout Error (attempted address: host:port, timeout: 10000ms)"
      const m = /attempted address(?:es)?: (.*), timeout: (\d+) ?ms/.exec(messageOf(e));
      return m === null
        ? `connect timeout (${code})`
        : `connect timeout: no connection to ${m[1]} within ${m[2]} ms`;
    }
    case 'UND_ERR_HEADERS_TIMEOUT':
      return 'timeout: no response headers in time (UND_ERR_HEADERS_TIMEOUT)';
    case 'UND_ERR_BODY_TIMEOUT':
      return 'timeout: response body stalled (UND_ERR_BODY_TIMEOUT)';
    case 'UND_ERR_ABORTED': {
      const refused = /^Proxy response \((\d+)\) !== 200 when HTTP Tunneling$/.exec(messageOf(e));
      if (refused !== null) return new ProxyRefusedError(Number(refused[1])).message;
      break;
    }
    case 'VOLLEY_PROXY_REFUSED':
      return messageOf(e);
  }
  if (code === 'HPE_INVALID_RESPONSE' || e.name === 'HTTPParserError') {
    // The parsers' errors, ours (HttpParseError) and undici's llhttp ones, read alike.
    const message = messageOf(e).replace(/^Response does not match the HTTP\/1.1 protocol \((.*)\)$/, '$1');
    return message.startsWith('invalid HTTP response') ? message : `invalid HTTP response: ${message}`;
  }
  if (DNS_CODES.has(code)) {
    const host = typeof e.hostname === 'string' ? ` ${e.hostname}` : '';
    return `DNS lookup failed (${code}${host})`;
  }
  if (UNREACHABLE_CODES.has(code)) return `host unreachable (${code}${at})`;
  if (TLS_CERT_CODES.has(code)) {
    return `TLS certificate error (${code}: ${messageOf(e)}); use --insecure to skip verification`;
  }
  if (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_')) return `TLS handshake failed (${code})`;
  const message = messageOf(e);
  return code === '' || message.includes(code) ? message : `${code}: ${message}`;
}

/** The error to describe: Node's AggregateError (one per address tried) says less than its first member. */
function innermost(error: unknown): ErrorFields {
  const e: ErrorFields = typeof error === 'object' && error !== null ? error : { message: String(error) };
  if (Array.isArray(e.errors) && e.errors.length > 0) {
    const first: unknown = e.errors[0];
    if (typeof first === 'object' && first !== null) return first;
  }
  return e;
}

/** ` host:port` of the other side when the error knows it. */
function peerOf(e: ErrorFields): string {
  if (typeof e.address === 'string')
    return typeof e.port === 'number' ? ` ${e.address}:${e.port}` : ` ${e.address}`;
  const socket = e.socket;
  if (socket != null && typeof socket.remoteAddress === 'string') {
    return ` ${socket.remoteAddress}:${String(socket.remotePort)}`;
  }
  return '';
}

/** The first line of an error's message (or of whatever was thrown). */
export function messageOf(error: unknown): string {
  const message =
    typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string'
      ? error.message
      : String(error);
  const newline = message.indexOf('\n');
  return newline === -1 ? message : message.slice(0, newline);
}
