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

  function construct(
    target: DateConstructor,
    args: unknown[],
    newTarget: (...args: never) => unknown,
  ): object {
    if (args.length > 0) return Reflect.construct(target, args, newTarget);
    return Reflect.construct(target, [tracer.value('time.date', () => realNow(), numberCodec)], newTarget);
  }
  function apply(): string {
    // Date() called as a function returns the current time as a string.
    return new RealDate(tracer.value('time.date', () => realNow(), numberCodec)).toString();
  }
  const TracedDate = new Proxy(RealDate, {
    construct,
    apply,
    get: (target, key, receiver) => (key === 'now' ? now : (Reflect.get(target, key, receiver) as unknown)),
  });

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
