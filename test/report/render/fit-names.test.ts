import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fitNames } from '../../../src/report/render/fit-names.ts';

test('names that fit are kept; longer ones are cut in the middle to the width', () => {
  const labels = fitNames(['/short', '/api/v1/customers/{id}/orders/{orderId}'], 20);
  assert.equal(labels.get('/short'), '/short');
  assert.equal(labels.get('/api/v1/customers/{id}/orders/{orderId}'), '/api/v1/cu…{orderId}');
});

test('names that would cut alike are cut where they differ', () => {
  const names = [
    '/api/v1/customers/AAAA/orders/{orderId}',
    '/api/v1/customers/BBBB/orders/{orderId}',
    '/api/v1/customers/CCCC/orders/{orderId}',
  ];
  const labels = fitNames(names, 24);
  const values = names.map((n) => labels.get(n) ?? '');
  assert.deepEqual(values, [
    '/api/…A/orders/{orderId}',
    '/api/…B/orders/{orderId}',
    '/api/…C/orders/{orderId}',
  ]);
});

test('when no cut within the width can be unique, the full name is shown', () => {
  const names = ['/api/v1/customers/AAAA/orders/{orderId}', '/api/v1/customers/BBBB/orders/{orderId}'];
  const labels = fitNames(names, 16);
  assert.deepEqual([...labels.values()], names);
});

test('a cut never reads like another name, even one that fits', () => {
  const long = '/users/12345/profile';
  const labels = fitNames(['/users/profile', long], 16);
  assert.equal(labels.get('/users/profile'), '/users/profile');
  // "/users/1…profile" rules out the short name, whose head is not "/users/1".
  assert.equal(labels.get(long), '/users/1…profile');
  assert.equal(fitNames(['/a/x/b', '/a/yyyyyy/b'], 5).get('/a/yyyyyy/b'), '/…y/b');
});

test('counts code points, so an emoji is never split', () => {
  const labels = fitNames(['/😀😀😀😀😀😀😀😀😀😀'], 6);
  assert.equal(labels.get('/😀😀😀😀😀😀😀😀😀😀'), '/😀😀…😀😀');
});
