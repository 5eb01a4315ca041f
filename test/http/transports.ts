import { describe } from 'node:test';
import type { HttpClientOptions } from '../../src/http/client.ts';
import type { HttpTransportOptions } from '../../src/http/transport.ts';
import { type TestClient, testClient } from './helpers.ts';

/** One of the two HTTP transports every client behaviour is tested over. */
export interface TransportUnderTest {
  /** `fast path` (volley's own HTTP/1.1 client) or `undici` (as with VOLLEY_HTTP_CLIENT=undici). */
  readonly name: 'fast path' | 'undici';
  readonly fastPath: boolean;
  /** A client over a transport of this kind; destroy its transport when done. */
  client(
    baseUrl: string,
    options?: Partial<Omit<HttpClientOptions, 'baseUrl' | 'transport' | 'sink'>>,
    transportOptions?: HttpTransportOptions,
  ): TestClient;
}

export const TRANSPORTS: readonly TransportUnderTest[] = [
  transportUnderTest('fast path', true),
  transportUnderTest('undici', false),
];

function transportUnderTest(name: 'fast path' | 'undici', fastPath: boolean): TransportUnderTest {
  return {
    name,
    fastPath,
    client: (baseUrl, options = {}, transportOptions = {}) =>
      testClient(baseUrl, options, { ...transportOptions, fastPath }),
  };
}

/** Runs the same describe block once per transport, titled `title (fast path)` and `title (undici)`. */
export function describeEachTransport(title: string, body: (transport: TransportUnderTest) => void): void {
  for (const transport of TRANSPORTS) describe(`${title} (${transport.name})`, () => body(transport));
}
