import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/** Node's default scrypt cost N (2^14; r=8, p=1): a realistic, deliberately expensive login. */
export const DEFAULT_PASSWORD_COST = 16384;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, cost: { N: number; r: number; p: number }): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, KEY_LENGTH, cost, (error, key) => (error === null ? resolve(key) : reject(error)));
  });
}

/** `scrypt$N$r$p$salt$hash` (base64), with a fresh 16-byte salt per password; `cost` is N. */
export async function hashPassword(password: string, cost = DEFAULT_PASSWORD_COST): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, { N: cost, r: R, p: P });
  return ['scrypt', cost, R, P, salt.toString('base64'), key.toString('base64')].join('$');
}

/** Constant-time comparison; a malformed stored hash never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || salt === undefined || hash === undefined) return false;
  const expected = Buffer.from(hash, 'base64');
  const key = await derive(password, Buffer.from(salt, 'base64'), {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

const decoys = new Map<number, Promise<string>>();

/** Spends the same time as a real check, so unknown emails cannot be told apart by response time. */
export async function burnPasswordCheck(password: string, cost = DEFAULT_PASSWORD_COST): Promise<void> {
  let decoy = decoys.get(cost);
  if (decoy === undefined) {
    decoy = hashPassword('volley-demo-decoy', cost);
    decoys.set(cost, decoy);
  }
  await verifyPassword(password, await decoy);
}
