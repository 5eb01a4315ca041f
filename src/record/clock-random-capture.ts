import nodeCrypto from 'node:crypto';
import { syncBuiltinESMExports } from 'node:module';
import { unique } from '../script/unique.ts';
import { capturingUser } from './user-scope.ts';

/**
 * Patches the sources of time and randomness a scenario can read — Date.now(), new Date(),
 * performance.now(), Math.random(), crypto.randomUUID() (global and node:crypto),
 * crypto.getRandomValues() (global; node:crypto's is a read-only getter) and volley's `unique` helpers — so that inside a virtual user's scenario code they are recorded (or answered from the
 * recording) per user, in order. Anywhere else (volley's engine, HTTP client, timers, other code) they
 * behave as usual. Installed only for record/replay runs, removed after.
 */

type UniqueHelpers = typeof unique;

const realDate = Date;
const realDateNow = Date.now;
const realRandom = Math.random;
const realPerformanceNow = performance.now.bind(performance);
const webCrypto = globalThis.crypto;
const realRandomUUID = webCrypto.randomUUID.bind(webCrypto);
const realGetRandomValues = webCrypto.getRandomValues.bind(webCrypto);
const realNodeRandomUUID = nodeCrypto.randomUUID;
const realUnique: UniqueHelpers = { ...unique };

function now(): number {
  const user = capturingUser();
  return user === null ? realDateNow() : user.tape.number('now', realDateNow);
}

/** `Date` with `new Date()` and `Date.now()` captured; everything else is the real Date. */
const capturedDate = new Proxy(realDate, {
  construct(target, args: unknown[], newTarget) {
    const user = args.length === 0 ? capturingUser() : null;
    if (user === null) return Reflect.construct(target, args, newTarget) as object;
    return Reflect.construct(target, [user.tape.number('date', realDateNow)], newTarget) as object;
  },
  apply(target, thisArg, args: unknown[]) {
    // Date() called as a function returns the current time as a string.
    const user = capturingUser();
    if (user === null) return Reflect.apply(target, thisArg, args) as string;
    return new realDate(user.tape.number('date', realDateNow)).toString();
  },
  get(target, key, receiver) {
    if (key === 'now') return now;
    return Reflect.get(target, key, receiver) as unknown;
  },
});

function random(): number {
  const user = capturingUser();
  return user === null ? realRandom() : user.tape.number('random', realRandom);
}

function performanceNow(): number {
  const user = capturingUser();
  return user === null ? realPerformanceNow() : user.tape.number('perf', realPerformanceNow);
}

function randomUUID(): `${string}-${string}-${string}-${string}-${string}` {
  const user = capturingUser();
  if (user === null) return realRandomUUID();
  return user.tape.string('uuid', realRandomUUID) as `${string}-${string}-${string}-${string}-${string}`;
}

function getRandomValues<T extends ArrayBufferView | null>(array: T): T {
  const user = capturingUser();
  if (user === null || array === null) return realGetRandomValues(array as never) as T;
  const view = array as ArrayBufferView;
  const bytes = Buffer.from(view.buffer, view.byteOffset, view.byteLength);
  const recorded = Buffer.from(
    user.tape.string('bytes', () => {
      realGetRandomValues(view as never);
      return bytes.toString('base64');
    }),
    'base64',
  );
  if (recorded.length === bytes.length) recorded.copy(bytes);
  else realGetRandomValues(view as never);
  return array;
}

function capturedUnique<K extends keyof UniqueHelpers>(key: K): UniqueHelpers[K] {
  const real = realUnique[key] as (...args: unknown[]) => string | number;
  const wrapped = (...args: unknown[]): string | number => {
    const user = capturingUser();
    return user === null ? real(...args) : user.tape.unique(() => real(...args));
  };
  return wrapped as UniqueHelpers[K];
}

let installed = 0;
let restoreProperties: () => void = () => {};

/** Sets `object[key]`, returning what puts the original property (own or inherited) back. */
function replaceProperty(object: object, key: string, value: unknown): () => void {
  const own = Object.getOwnPropertyDescriptor(object, key);
  Object.defineProperty(object, key, { value, writable: true, configurable: true, enumerable: false });
  return () => {
    if (own) Object.defineProperty(object, key, own);
    else delete (object as Record<string, unknown>)[key];
  };
}

/** Installs the patches (nested runs share them); returns the function that removes them. */
export function installCapture(): () => void {
  if (installed++ === 0) {
    globalThis.Date = capturedDate;
    Math.random = random;
    const restores = [
      replaceProperty(performance, 'now', performanceNow),
      replaceProperty(webCrypto, 'randomUUID', randomUUID),
      replaceProperty(webCrypto, 'getRandomValues', getRandomValues),
    ];
    restoreProperties = () => {
      for (const restore of restores) restore();
    };
    nodeCrypto.randomUUID = randomUUID;
    syncBuiltinESMExports();
    unique.id = capturedUnique('id');
    unique.email = capturedUnique('email');
    unique.name = capturedUnique('name');
    unique.int = capturedUnique('int');
  }
  let done = false;
  return () => {
    if (done) return;
    done = true;
    if (--installed > 0) return;
    globalThis.Date = realDate;
    Math.random = realRandom;
    restoreProperties();
    nodeCrypto.randomUUID = realNodeRandomUUID;
    syncBuiltinESMExports();
    Object.assign(unique, realUnique);
  };
}
