/**
 * Challenge–response over the shared cluster token (--cluster-token, VOLLEY_CLUSTER_TOKEN): each side
 * sends a fresh random nonce and proves it holds the token with an HMAC over both nonces, so the token
 * never crosses the wire and a recorded proof is worthless for the next connection. The two proofs carry
 * different labels, so a coordinator's proof cannot be replayed as a worker's (or the reverse).
 * Without a token (loopback only) both sides use the empty key: the exchange still checks that both
 * agree that there is none.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export function newNonce(): string {
  return randomBytes(32).toString('hex');
}

function hmac(token: string, label: string, first: string, second: string): string {
  return createHmac('sha256', token).update(`${label}\0${first}\0${second}`).digest('hex');
}

/** What the coordinator sends: proof over the worker's nonce, then its own. */
export function coordinatorProof(token: string, workerNonce: string, coordinatorNonce: string): string {
  return hmac(token, 'volley-cluster-coordinator-v1', workerNonce, coordinatorNonce);
}

/** What the worker sends back: proof over the coordinator's nonce, then its own. */
export function workerProof(token: string, coordinatorNonce: string, workerNonce: string): string {
  return hmac(token, 'volley-cluster-worker-v1', coordinatorNonce, workerNonce);
}

/** Constant-time comparison of two hex proofs (anything else is a mismatch). */
export function proofsEqual(expected: string, received: unknown): boolean {
  if (typeof received !== 'string' || received.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(expected), Buffer.from(received));
}

const LOOPBACK = /^(?:127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|localhost|::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3})$/i;

/** A coordinator listening here is reachable from other machines: it needs a cluster token. */
export function listensBeyondLoopback(host: string): boolean {
  return !LOOPBACK.test(host);
}
