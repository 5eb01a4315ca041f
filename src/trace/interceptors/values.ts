import nodeCrypto from 'node:crypto';
import { syncBuiltinESMExports } from 'node:module';
import type { ResultCodec, Tracer } from '../tracer.ts';

/**
 * Time and randomness the application reads: `Date.now()`, `new Date()`, `Date()`, `Math.random()`,
 * `crypto.randomUUID()`, `crypto.getRandomValues()` and `crypto.randomBytes()`. Recorded per stream in
 * the order read and given back in that order on replay. Reads inside an intercepted call (pg's or
 * undici's own clocks, which do not run in a replay) are left alone, and Node's internals use their own
 * copies of these functions, so only the application's reads are recorded.
 */

const bytesCodec: ResultCodec<Buffer> = {
  encode: (bytes) => bytes.toString('base64'),
  decode: (recorded) => Buffer.from(recorded as string, 'base64'),
};
const numberCodec: ResultCodec<number> = {
  encode: (value) => value,
  decode: (recorded) => recorded as number,
};
const stringCodec: ResultCodec<string> = {
  encode: (value) => value,
  decode: (recorded) => recorded as string,
};

export function installValues(tracer: Tracer): void {
  const RealDate = Date;
  const realNow = Date.now;
  const realRandom = Math.random;
  const webCrypto = globalThis.crypto;
  const realRandomUUID = nodeCrypto.randomUUID;
  const realWebRandomUUID = webCrypto.randomUUID.bind(webCrypto);
  const realGetRandomValues = webCrypto.getRandomValues.bind(webCrypto);
  const realRandomBytes = nodeCrypto.randomBytes;

  const now = (): number => tracer.value('time.now', () => realNow(), numberCodec);

  const date = (): number => tracer.value('time.date', () => realNow(), numberCodec);
  /**
   * `Date` as a function sharing the real one's prototype, not a Proxy: every `new Date(x)` and
   * `x instanceof Date` in the application goes through it, and a Proxy's traps cost microseconds each
   * (a list of 50 rows read back 50 dates). Only a read of the current time is recorded.
   */
  const TracedDate = function TracedDate(this: unknown, ...args: unknown[]): unknown {
    // Date() called as a function returns the current time as a string.
    if (new.target === undefined) return new RealDate(date()).toString();
    if (new.target !== TracedDate) {
      return Reflect.construct(RealDate, args.length === 0 ? [date()] : args, new.target);
    }
    switch (args.length) {
      case 0:
        return new RealDate(date());
      case 1:
        return new RealDate(args[0] as string | number | Date);
      default:
        return new RealDate(...(args as [number, number]));
    }
  } as unknown as DateConstructor;
  Object.defineProperty(TracedDate, 'length', { value: RealDate.length });
  Object.defineProperty(TracedDate, 'name', { value: 'Date' });
  Object.defineProperty(TracedDate, 'prototype', { value: RealDate.prototype, writable: false });
  // Date.parse, Date.UTC and anything else static come from the real Date.
  Object.setPrototypeOf(TracedDate, RealDate);
  Object.defineProperty(TracedDate, 'now', { value: now, writable: true, configurable: true });

  const random = (): number => tracer.value('random.math', () => realRandom(), numberCodec);

  const randomUUID = (options?: nodeCrypto.RandomUUIDOptions): string =>
    tracer.value('random.uuid', () => realRandomUUID(options), stringCodec);

  const webRandomUUID = (): string => tracer.value('random.uuid', () => realWebRandomUUID(), stringCodec);

  const getRandomValues = <T extends ArrayBufferView | null>(array: T): T => {
    if (array === null) return realGetRandomValues(array as never) as T;
    const view = array as ArrayBufferView;
    const target = Buffer.from(view.buffer, view.byteOffset, view.byteLength);
    const bytes = tracer.value(
      'random.bytes',
      () => {
        realGetRandomValues(view as never);
        return Buffer.from(target);
      },
      bytesCodec,
    );
    bytes.copy(target);
    return array;
  };

  function randomBytes(size: number): Buffer;
  function randomBytes(size: number, callback: (error: Error | null, bytes: Buffer) => void): void;
  function randomBytes(
    size: number,
    callback?: (error: Error | null, bytes: Buffer) => void,
  ): Buffer | undefined {
    const bytes = tracer.value('random.bytes', () => realRandomBytes(size), bytesCodec);
    if (callback === undefined) return bytes;
    process.nextTick(callback, null, bytes);
    return undefined;
  }

  globalThis.Date = TracedDate;
  Math.random = random;
  Object.defineProperty(webCrypto, 'randomUUID', {
    value: webRandomUUID,
    writable: true,
    configurable: true,
  });
  Object.defineProperty(webCrypto, 'getRandomValues', {
    value: getRandomValues,
    writable: true,
    configurable: true,
  });
  nodeCrypto.randomUUID = randomUUID as typeof nodeCrypto.randomUUID;
  nodeCrypto.randomBytes = randomBytes as typeof nodeCrypto.randomBytes;
  syncBuiltinESMExports();
}
