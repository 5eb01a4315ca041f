import type { IncomingHttpHeaders } from 'node:http';
import { BodyDiscardedError, ResponseNotJsonError } from './errors.ts';
import type { Exchange } from './exchange.ts';
import type { Timings, VolleyResponse } from './types.ts';

const EMPTY_BODY = Buffer.alloc(0);

/** Where a redirect chain started: its first hop's start and the connection set-up of every hop. */
export interface ChainStart {
  startedAt: number;
  connectMs: number;
  tlsMs: number;
}

/**
 * The response handed to scripts: the last exchange of the chain, its body buffered as received.
 * Nothing is decoded, concatenated or allocated until asked for.
 */
export class HttpResponse implements VolleyResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** The final URL, after redirects. */
  readonly url: string;
  ok = true;
  error: string | null = null;
  /** Body bytes received, after decoding any Content-Encoding. */
  readonly contentBytes: number;

  readonly #final: Exchange;
  readonly #chain: ChainStart | null;
  readonly #discarded: boolean;
  #body: Buffer | null;
  #text: string | undefined = undefined;
  #timings: Timings | undefined = undefined;

  /** `body` replaces the received chunks (a decoded body); `chain` is null for a single hop. */
  constructor(
    url: string,
    final: Exchange,
    chain: ChainStart | null,
    discarded: boolean,
    body: Buffer | null,
  ) {
    this.status = final.status;
    this.headers = final.headers;
    this.url = url;
    this.#final = final;
    this.#chain = chain;
    this.#discarded = discarded;
    this.#body = body;
    this.contentBytes = body === null ? final.received : body.length;
  }

  /** Marks the response failed with a message for the failures table. */
  fail(error: string): void {
    this.ok = false;
    this.error = error;
  }

  /** Response time: from just before the first dispatch to the last body byte (or the failure). */
  get totalMs(): number {
    return this.#final.endedAt - (this.#chain === null ? this.#final.startedAt : this.#chain.startedAt);
  }

  get timings(): Timings {
    if (this.#timings !== undefined) return this.#timings;
    const final = this.#final;
    const total = this.totalMs;
    const connect = this.#chain === null ? final.connectMs : this.#chain.connectMs;
    const tls = this.#chain === null ? final.tlsMs : this.#chain.tlsMs;
    const receive = final.headersAt === 0 ? 0 : final.endedAt - final.headersAt;
    // Whatever is not set-up or body: sending and waiting for the (final) response headers.
    const wait = Math.max(0, total - connect - tls - receive);
    this.#timings = { connect, tls, wait, receive, total };
    return this.#timings;
  }

  bytes(): Uint8Array {
    return this.#buffer();
  }

  text(): string {
    this.#text ??= this.#buffer().toString('utf8');
    return this.#text;
  }

  json<T = unknown>(): T {
    const text = this.text();
    try {
      return JSON.parse(text) as T;
    } catch (error) {
      throw new ResponseNotJsonError(this.url, this.status, text, error);
    }
  }

  #buffer(): Buffer {
    if (this.#discarded) throw new BodyDiscardedError(this.url);
    if (this.#body === null) this.#body = joinChunks(this.#final);
    return this.#body;
  }
}

/** The received body as one buffer; a single chunk (the common case) is used as is. */
export function joinChunks(exchange: Exchange): Buffer {
  if (exchange.firstChunk === null) return EMPTY_BODY;
  if (exchange.moreChunks === null) return exchange.firstChunk;
  return Buffer.concat([exchange.firstChunk, ...exchange.moreChunks], exchange.received);
}
