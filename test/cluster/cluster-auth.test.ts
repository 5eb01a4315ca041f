import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  coordinatorProof,
  listensBeyondLoopback,
  newNonce,
  proofsEqual,
  workerProof,
} from '../../src/cluster/cluster-auth.ts';

test('a proof holds for the token and these nonces only, and is never the token itself', () => {
  const [w, c] = [newNonce(), newNonce()];
  const proof = coordinatorProof('secret', w, c);
  assert.ok(proofsEqual(proof, coordinatorProof('secret', w, c)));
  assert.ok(!proofsEqual(proof, coordinatorProof('other', w, c)));
  assert.ok(!proofsEqual(proof, coordinatorProof('secret', newNonce(), c)));
  assert.ok(!proofsEqual(proof, coordinatorProof('secret', w, newNonce())));
  assert.ok(!proof.includes('secret'));
  assert.match(w, /^[0-9a-f]{64}$/);
  assert.notEqual(w, c);
});

test("a coordinator's proof cannot be replayed as a worker's, even with the nonces swapped", () => {
  const [w, c] = [newNonce(), newNonce()];
  assert.ok(!proofsEqual(workerProof('secret', c, w), coordinatorProof('secret', w, c)));
  assert.ok(!proofsEqual(workerProof('secret', c, w), coordinatorProof('secret', c, w)));
});

test('anything but a proof of the right length is a mismatch', () => {
  const proof = workerProof('t', newNonce(), newNonce());
  assert.ok(!proofsEqual(proof, undefined));
  assert.ok(!proofsEqual(proof, 42));
  assert.ok(!proofsEqual(proof, proof.slice(1)));
});

test('loopback addresses need no token; anything else does', () => {
  for (const host of ['127.0.0.1', '127.9.8.7', '::1', 'localhost'])
    assert.equal(listensBeyondLoopback(host), false, host);
  for (const host of ['0.0.0.0', '::', '10.0.0.5', 'volley-coordinator', ''])
    assert.equal(listensBeyondLoopback(host), true, host);
});
