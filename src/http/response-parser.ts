import type { IncomingHttpHeaders } from 'node:http';

/** A response the plain HTTP/1.1 client cannot read: the connection is closed and the request fails. */
export class HttpParseError extends Error {
  override readonly name = 'HttpParseError';
  readonly code = 'HPE_INVALID_RESPONSE';

  constructor(reason: string, start?: string) {
    super(`invalid HTTP response: ${reason}${start === undefined ? '' : ` (starts with ${quoted(start)})`}`);
  }
}

/** The first bytes of what was received, quoted with control characters escaped. */
function quoted(start: string): string {
  return JSON.stringify(start.length > 40 ? `${start.slice(0, 40)}…` : start);
}

/** What the parser reports, in order: one head, body chunks, then the end. */
export interface ResponseEvents {
  onHead(status: number, headers: IncomingHttpHeaders): void;
  /**
   * Body bytes `start` to `end` of `data`. `data` may be a read buffer used again for the next read:
   * copy what is kept. (A range rather than a slice: a slice per response showed in the profiles.)
   */
  onBody(data: Buffer, start: number, end: number): void;
  /** `reusable`: the connection may carry another request. */
  onEnd(reusable: boolean): void;
}

/** The most bytes of a response head (status line, headers, blank line), however they arrive. */
export const MAX_HEAD_BYTES = 64 * 1024;
/** The most bytes of a chunk-size line (extensions included) and of the trailers. */
const MAX_CHUNK_LINE = 64 * 1024;
const CRLFCRLF = Buffer.from('\r\n\r\n', 'latin1');
const EMPTY = Buffer.alloc(0);
const STATUS_LINE = /^HTTP\/1\.[01] [1-9]\d\d(?: |\r|$)/;
const HTTP_VERSION_PREFIX = 'HTTP/1.';
/**
 * What a head or chunk line may not contain: control characters other than HTAB, a CR not followed by
 * LF, an LF not after a CR. Lines end with CRLF only: a bare LF fails at once (as undici's llhttp does)
 * rather than leaving the client waiting for a CRLF that never comes.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const BAD_LINE_BYTES = /[\x00-\x08\x0b\x0c\x0e-\x1f]|\r(?!\n)|(?<!\r)\n/;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

const STATE = {
  idle: 0,
  head: 1,
  length: 2,
  chunkSize: 3,
  chunkData: 4,
  chunkDataEnd: 5,
  trailers: 6,
  untilClose: 7,
} as const;
type State = (typeof STATE)[keyof typeof STATE];

/**
 * An HTTP/1.1 response parser for one connection, one response at a time: status line and headers,
 * then a body framed by Content-Length, chunked transfer coding, or the end of the connection.
 * 1xx informational responses are skipped. Header names are lower-cased; a repeated header becomes an
 * array of its values (as undici gives them). Incremental: data may be split anywhere.
 */
export class ResponseParser {
  #events: ResponseEvents | null = null;
  #state: State = STATE.idle;
  #noBody = false;
  #reusable = false;
  /** Head bytes received so far when the head spans several reads, as read (joined once complete). */
  #headChunks: Buffer[] = [];
  #headBytes = 0;
  /** The last three of those bytes: a blank line split across reads is found with them. */
  #headTail: Buffer = EMPTY;
  /** Body bytes left: of the Content-Length, or of the current chunk. */
  #remaining = 0;
  /** The chunk-size or trailer line read so far. */
  #line = '';
  /** Trailer bytes read so far. */
  #trailerBytes = 0;

  /** Expects the response to a request just sent; `noBody` for HEAD requests. */
  expect(events: ResponseEvents, noBody: boolean): void {
    this.#events = events;
    this.#noBody = noBody;
    this.#state = STATE.head;
    this.#headChunks = [];
    this.#headBytes = 0;
    this.#line = '';
    this.#trailerBytes = 0;
  }

  get idle(): boolean {
    return this.#state === STATE.idle;
  }

  /** True when the body runs until the connection closes: its end is then the response's end. */
  get endsWithClose(): boolean {
    return this.#state === STATE.untilClose;
  }

  /** The connection closed while reading that kind of body: the response is complete. */
  finishAtClose(): void {
    if (this.#state !== STATE.untilClose) return;
    this.#state = STATE.idle;
    const events = this.#events;
    this.#events = null;
    events?.onEnd(false);
  }

  /**
   * Parses received data: `data` up to `end` (a read buffer holds more than the read). Returns the bytes
   * consumed: less than `end` only when the response ended before the data did (bytes nobody asked
   * for). Throws HttpParseError.
   */
  execute(data: Buffer, end: number = data.length): number {
    let at = 0;
    while (at < end) {
      switch (this.#state) {
        case STATE.idle:
          return at;
        case STATE.head:
          at = this.#readHead(data, at, end);
          break;
        case STATE.length: {
          const take = Math.min(this.#remaining, end - at);
          this.#body(data, at, take);
          at += take;
          this.#remaining -= take;
          if (this.#remaining === 0) this.#finish();
          break;
        }
        case STATE.untilClose:
          this.#body(data, at, end - at);
          at = end;
          break;
        case STATE.chunkData: {
          const take = Math.min(this.#remaining, end - at);
          this.#body(data, at, take);
          at += take;
          this.#remaining -= take;
          if (this.#remaining === 0) this.#state = STATE.chunkDataEnd;
          break;
        }
        case STATE.chunkSize:
        case STATE.chunkDataEnd:
        case STATE.trailers:
          at = this.#readLine(data, at, end);
          break;
      }
    }
    return at;
  }

  #body(data: Buffer, at: number, length: number): void {
    if (length > 0) this.#events?.onBody(data, at, at + length);
  }

  #finish(): void {
    this.#state = STATE.idle;
    const events = this.#events;
    this.#events = null;
    events?.onEnd(this.#reusable);
  }

  /** Consumes head bytes from `at` to `end`; returns where the data not consumed starts. */
  #readHead(data: Buffer, at: number, end: number): number {
    const before = this.#headBytes;
    if (before === 0) {
      // The common case: the whole head in one read, and the same bytes as the last head parsed (a
      // server answering the same request the same way within a second, Date included). That head
      // ends with the only blank line in it, so the same bytes here are a whole head: no search for
      // the blank line, no string, no parse.
      const last = lastHead.bytes;
      if (
        last !== null &&
        end - at >= last.length &&
        data.compare(last, 0, last.length, at, at + last.length) === 0
      ) {
        const parsed = lastHead.parsed as ParsedHead;
        this.#headParsed(parsed, { ...parsed.headers });
        return at + last.length;
      }
      const headEnd = data.indexOf(CRLFCRLF, at);
      if (headEnd !== -1 && headEnd + 4 <= end && headEnd + 4 - at <= MAX_HEAD_BYTES) {
        this.#parseHead(data, at, headEnd);
        return headEnd + 4;
      }
    }
    const fresh = data.subarray(at, end);
    const tail = this.#headTail;
    const window = before === 0 ? fresh : Buffer.concat([tail, fresh]);
    const found = window.indexOf(CRLFCRLF);
    const headEnd = found === -1 ? -1 : before - (before === 0 ? 0 : tail.length) + found;
    // The same limit however the head is split into reads.
    if ((headEnd === -1 ? before + fresh.length : headEnd + 4) > MAX_HEAD_BYTES) {
      throw new HttpParseError('head larger than 64 KiB', this.#headStart(fresh));
    }
    if (headEnd === -1) {
      // Fail now on what can never become a head, rather than wait for a blank line.
      if (before < HTTP_VERSION_PREFIX.length) checkStatusLineStart(this.#headStart(fresh));
      if (hasBadLineBytes(window, before === 0 ? 0 : tail.length)) {
        throw new HttpParseError('bad line ending or control character in head', this.#headStart(fresh));
      }
      // Copies: the read buffer is reused for the next read.
      this.#headChunks.push(Buffer.from(fresh));
      this.#headBytes = before + fresh.length;
      this.#headTail = Buffer.from(window.subarray(Math.max(0, window.length - 3)));
      return end;
    }
    const head = before === 0 ? fresh : Buffer.concat([...this.#headChunks, fresh]);
    this.#headChunks = [];
    this.#headBytes = 0;
    this.#parseHead(head, 0, headEnd);
    return at + headEnd + 4 - before;
  }

  /** The first bytes of the head received so far, for error messages. */
  #headStart(fresh: Buffer): string {
    return Buffer.concat([...this.#headChunks, fresh]).toString('latin1', 0, 40);
  }

  /** Parses the head in `data` from `start` to `headEnd` (where its blank line starts). */
  #parseHead(data: Buffer, start: number, headEnd: number): void {
    const parsed = parseHead(data.toString('latin1', start, headEnd));
    const headers = parsed.headers;
    if (parsed.status >= 200 && parsed.cacheable) {
      // Kept for the next response (see #readHead): a copy of the bytes, the read buffer is reused.
      lastHead.bytes = Buffer.from(data.subarray(start, headEnd + 4));
      lastHead.parsed = { ...parsed, headers: { ...headers } };
    }
    this.#headParsed(parsed, headers);
  }

  /** Acts on a parsed head; `headers` are the response's own (a copy when the parse is shared). */
  #headParsed(parsed: ParsedHead, headers: IncomingHttpHeaders): void {
    const { status, minor, contentLength, transferEncoding, connection } = parsed;

    // 1xx (100 Continue, 103 Early Hints): a final response follows on the same connection.
    if (status < 200) {
      if (status === 101) throw new HttpParseError('unexpected protocol upgrade (101)');
      return;
    }

    // nginx and most servers say exactly `keep-alive`: no token splitting for them.
    const closes = connection !== undefined && connection !== 'keep-alive' && hasToken(connection, 'close');
    this.#reusable = minor === 1 ? !closes : connection !== undefined && hasToken(connection, 'keep-alive');
    this.#events?.onHead(status, headers);
    if (this.#noBody || status === 204 || status === 304) {
      this.#finish();
    } else if (transferEncoding !== undefined) {
      // A message with both is a smuggling attempt or a broken proxy: no length can be trusted.
      if (contentLength !== undefined) {
        throw new HttpParseError('both Content-Length and Transfer-Encoding (RFC 9112 §6.3)');
      }
      if (lastCodingIsChunked(transferEncoding)) {
        this.#state = STATE.chunkSize;
        this.#line = '';
      } else {
        this.#reusable = false;
        this.#state = STATE.untilClose;
      }
    } else if (contentLength !== undefined) {
      if (!/^\d{1,15}$/.test(contentLength)) throw new HttpParseError('bad content-length');
      this.#remaining = Number(contentLength);
      if (this.#remaining === 0) this.#finish();
      else this.#state = STATE.length;
    } else {
      this.#reusable = false;
      this.#state = STATE.untilClose;
    }
  }

  /** Reads a chunk-size line, the CRLF after a chunk's data, or a trailer line. */
  #readLine(data: Buffer, at: number, end: number): number {
    let newline = data.indexOf(10 /* \n */, at);
    if (newline >= end) newline = -1;
    const stop = newline === -1 ? end : newline;
    this.#line += data.toString('latin1', at, stop);
    if (this.#line.length > MAX_CHUNK_LINE) throw new HttpParseError('chunk line longer than 64 KiB');
    if (newline === -1) return end;
    // The same rule as for the head: lines end with CRLF, no other control characters.
    const raw = this.#line;
    if (!raw.endsWith('\r') || BAD_LINE_BYTES.test(raw.slice(0, -1))) {
      throw new HttpParseError('bad line in chunked body', raw.slice(0, 40));
    }
    const line = raw.slice(0, -1);
    this.#line = '';
    if (this.#state === STATE.chunkDataEnd) {
      if (line !== '') throw new HttpParseError('missing CRLF after chunk');
      this.#state = STATE.chunkSize;
    } else if (this.#state === STATE.chunkSize) {
      // Extensions (after ';') are allowed and ignored, whatever their length up to the line limit.
      const semicolon = line.indexOf(';');
      const hex = (semicolon === -1 ? line : line.slice(0, semicolon)).trim();
      if (!/^[0-9a-fA-F]{1,12}$/.test(hex)) throw new HttpParseError('bad chunk size', line.slice(0, 40));
      const size = Number.parseInt(hex, 16);
      if (size === 0) {
        this.#state = STATE.trailers;
        this.#trailerBytes = 0;
      } else {
        this.#remaining = size;
        this.#state = STATE.chunkData;
      }
    } else if (line === '') {
      // The empty line after the (usually absent) trailers ends the message.
      this.#finish();
    } else {
      // A trailer field: read past, as undici does not report trailers to volley's handlers either.
      this.#trailerBytes += raw.length + 1;
      if (this.#trailerBytes > MAX_HEAD_BYTES) throw new HttpParseError('trailers larger than 64 KiB');
      if (line.indexOf(':') <= 0) throw new HttpParseError('bad trailer line', line.slice(0, 40));
    }
    return newline + 1;
  }
}

/** A response head, parsed. */
interface ParsedHead {
  status: number;
  minor: number;
  headers: IncomingHttpHeaders;
  contentLength: string | undefined;
  transferEncoding: string | undefined;
  connection: string | undefined;
  /** No header repeated (no arrays to share): safe to reuse through a shallow copy. */
  cacheable: boolean;
}

/** The last final response head parsed in this process (its bytes, blank line included), and what it parsed to. */
const lastHead: { bytes: Buffer | null; parsed: ParsedHead | null } = { bytes: null, parsed: null };

/** Fails on the first bytes of a head unless they can start `HTTP/1.`. */
function checkStatusLineStart(start: string): void {
  const length = Math.min(start.length, HTTP_VERSION_PREFIX.length);
  if (start.slice(0, length) !== HTTP_VERSION_PREFIX.slice(0, length)) {
    throw new HttpParseError('not an HTTP/1.x response', start);
  }
}

/**
 * Whether `window` holds, from `from`, bytes a head may not (the bytes before were checked with an
 * earlier read). A CR ending a read is checked with the next read, together with the byte after it.
 */
function hasBadLineBytes(window: Buffer, from: number): boolean {
  const start = from > 0 && window[from - 1] === 13 ? from - 1 : from;
  const end = window[window.length - 1] === 13 ? window.length - 1 : window.length;
  return BAD_LINE_BYTES.test(window.toString('latin1', start, end));
}

function parseHead(head: string): ParsedHead {
  // "HTTP/1.1 200 OK"
  if (!STATUS_LINE.test(head)) {
    const reason = head.startsWith(HTTP_VERSION_PREFIX) ? 'bad status line' : 'not an HTTP/1.x response';
    throw new HttpParseError(reason, head.slice(0, 40));
  }
  if (BAD_LINE_BYTES.test(head)) {
    throw new HttpParseError('bad line ending or control character in head', head.slice(0, 40));
  }
  const minor = head.charCodeAt(7) - 48;
  const status = Number(head.slice(9, 12));
  const headers: IncomingHttpHeaders = {};
  let contentLength: string | undefined;
  let transferEncoding: string | undefined;
  let connection: string | undefined;
  let previous: string | null = null;
  let cacheable = true;
  // Header lines are read by index into the head: no substring per line, only the name and value.
  const length = head.length;
  let next = head.indexOf('\r\n');
  while (next !== -1) {
    const lineStart = next + 2;
    let lineEnd = head.indexOf('\r\n', lineStart);
    next = lineEnd;
    if (lineEnd === -1) lineEnd = length;
    if (lineStart >= lineEnd) continue;
    const first = head.charCodeAt(lineStart);
    if (first === 32 || first === 9) {
      // Obsolete line folding: the line continues the previous header's value (RFC 9112 §5.2); not
      // for framing headers, where a folded value would frame differently from what is shown.
      if (previous === 'content-length' || previous === 'transfer-encoding') {
        throw new HttpParseError(`folded ${previous} header`);
      }
      if (previous !== null) appendFolded(headers, previous, head.slice(lineStart, lineEnd).trim());
      continue;
    }
    const colon = head.indexOf(':', lineStart);
    if (colon <= lineStart || colon > lineEnd) throw new HttpParseError('bad header line');
    // A field name is a token, with no space before the colon (RFC 9112 §5.1).
    const rawName = head.slice(lineStart, colon);
    if (!TOKEN.test(rawName)) throw new HttpParseError(`bad header name ${quoted(rawName)}`);
    const name = rawName.toLowerCase();
    let valueStart = colon + 1;
    while (valueStart < lineEnd && isBlank(head.charCodeAt(valueStart))) valueStart++;
    let valueEnd = lineEnd;
    while (valueEnd > valueStart && isBlank(head.charCodeAt(valueEnd - 1))) valueEnd--;
    const value = head.slice(valueStart, valueEnd);
    previous = name;
    const existing = headers[name];
    if (existing === undefined) headers[name] = value;
    else {
      cacheable = false;
      if (Array.isArray(existing)) existing.push(value);
      else headers[name] = [existing, value];
    }
    if (name === 'content-length') {
      if (value === '' || (contentLength !== undefined && contentLength !== value)) {
        throw new HttpParseError('conflicting content-length');
      }
      contentLength = value;
    } else if (name === 'transfer-encoding') {
      transferEncoding = transferEncoding === undefined ? value : `${transferEncoding}, ${value}`;
    } else if (name === 'connection') {
      connection = connection === undefined ? value : `${connection}, ${value}`;
    }
  }

  return { status, minor, headers, contentLength, transferEncoding, connection, cacheable };
}

function isBlank(code: number): boolean {
  return code === 32 || code === 9;
}

function appendFolded(headers: IncomingHttpHeaders, name: string, more: string): void {
  const value = headers[name];
  if (Array.isArray(value)) {
    const last = value.length - 1;
    value[last] = `${value[last]} ${more}`;
  } else if (value !== undefined) {
    headers[name] = `${value} ${more}`;
  }
}

function hasToken(list: string, token: string): boolean {
  for (const part of list.split(',')) if (part.trim().toLowerCase() === token) return true;
  return false;
}

function lastCodingIsChunked(transferEncoding: string): boolean {
  const codings = transferEncoding.split(',');
  return (codings[codings.length - 1] ?? '').trim().toLowerCase() === 'chunked';
}
