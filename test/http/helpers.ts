import { createServer, type IncomingMessage } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createHttpClient, type HttpClientOptions } from '../../src/http/client.ts';
import { HttpTransport, type HttpTransportOptions } from '../../src/http/transport.ts';
import type { HttpClient } from '../../src/http/types.ts';
import type { SampleSink } from '../../src/metrics/sink.ts';
import { type Handler, listenOnLoopback, type TestServer } from '../helpers/servers.ts';

export type { Handler } from '../helpers/servers.ts';
export type LocalServer = TestServer;

/** A node:http server on 127.0.0.1, on a free port. */
export function startHttpServer(handler: Handler): Promise<LocalServer> {
  return listenOnLoopback(createServer(handler), 'http');
}

export function startHttpsServer(tls: { key: string; cert: string }, handler: Handler): Promise<LocalServer> {
  return listenOnLoopback(createHttpsServer(tls, handler), 'https');
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export interface Sample {
  method: string;
  name: string;
  ms: number;
  bytes: number;
  error: string | null;
}

export interface CheckSample {
  method: string;
  name: string;
  check: string;
  passed: boolean;
}

export class FakeSink implements SampleSink {
  readonly samples: Sample[] = [];
  readonly checks: CheckSample[] = [];
  readonly exceptions: unknown[] = [];

  request(method: string, name: string, ms: number, bytes: number, error: string | null): void {
    this.samples.push({ method, name, ms, bytes, error });
  }

  check(method: string, name: string, check: string, passed: boolean): void {
    this.checks.push({ method, name, check, passed });
  }

  exception(error: unknown): void {
    this.exceptions.push(error);
  }

  /** The only sample; fails the test unless there is exactly one. */
  only(): Sample {
    if (this.samples.length !== 1) throw new Error(`expected 1 sample, got ${this.samples.length}`);
    return this.samples[0] as Sample;
  }
}

export interface TestClient {
  client: HttpClient;
  sink: FakeSink;
  transport: HttpTransport;
}

/** A client with its own transport and fake sink; destroy `transport` when done. */
export function testClient(
  baseUrl: string,
  options: Partial<Omit<HttpClientOptions, 'baseUrl' | 'transport' | 'sink'>> = {},
  transportOptions: HttpTransportOptions = {},
): TestClient {
  const transport = new HttpTransport(transportOptions);
  const sink = new FakeSink();
  const client = createHttpClient({ baseUrl, transport, sink, ...options });
  return { client, sink, transport };
}
