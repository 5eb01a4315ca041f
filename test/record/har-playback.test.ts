import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { templatePath } from '../../src/record/endpoint-template.ts';
import type { Har } from '../../src/record/har.ts';
import { planEntries, planPlayback } from '../../src/record/har-playback.ts';
import { RecordingError } from '../../src/record/recording-error.ts';

const BROWSER_HAR = new URL('./fixtures/browser-export.har', import.meta.url).pathname;
const browser = (JSON.parse(readFileSync(BROWSER_HAR, 'utf8')) as Har).log.entries;

test('ids in a path collapse to :id: numbers, UUIDs, long hex and long opaque tokens', () => {
  assert.equal(templatePath('/items/123'), '/items/:id');
  assert.equal(templatePath('/users/42/orders/5f1d7c9e2b3a4d5e6f708192'), '/users/:id/orders/:id');
  assert.equal(templatePath('/p/7f3c2a10-1b2c-4d5e-8f90-123456789abc/reviews'), '/p/:id/reviews');
  assert.equal(templatePath('/t/aZ3kq9Lm2Xb7Np4Rs8Tv'), '/t/:id');
  assert.equal(templatePath('/api/v2/products'), '/api/v2/products');
  assert.equal(templatePath('/static/app.3f9a.js'), '/static/app.3f9a.js');
  assert.equal(templatePath('/deadbeefcafebabe'), '/deadbeefcafebabe', 'hex with no digit is a word');
  assert.equal(templatePath('/'), '/');
});

test('a browser-exported HAR plans the tested origin’s requests in order, relative, with their bodies', () => {
  const plan = planEntries(browser, {});
  assert.deepEqual(
    plan.requests.map((r) => `${r.method} ${r.target} as ${r.options.name}`),
    [
      'GET / as /',
      'GET /static/app.3f9a.js as /static/app.3f9a.js',
      'GET /api/products?page=1 as /api/products',
      'POST /api/cart as /api/cart',
      'GET /api/products/42 as /api/products/:id',
      'GET /api/products/7f3c2a10-1b2c-4d5e-8f90-123456789abc/reviews as /api/products/:id/reviews',
      'POST /login as /login',
      'DELETE /api/cart/42 as /api/cart/:id',
    ],
    'no third-party ping, no CORS preflight, no redirect hop the client follows itself',
  );
  const products = plan.requests[2];
  assert.equal(products?.options.headers?.cookie, 'sid=abc; theme=dark');
  assert.equal(products?.options.headers?.[':authority'], undefined);
  assert.equal(products?.options.headers?.host, undefined);
  assert.equal(plan.requests[3]?.options.body, '{"productId":42,"qty":1}');
  assert.equal(plan.requests[6]?.options.body, 'user=ann&password=__REDACTED_1__');
  assert.equal(plan.requests[6]?.options.headers?.['content-type'], 'application/x-www-form-urlencoded');
  assert.equal(plan.requests[7]?.options.expect, 404, 'a recorded 404 is the traffic as it was');
  assert.deepEqual(
    plan.requests.map((r) => r.atMs),
    [0, 50, 200, 450, 700, 900, 1000, 1200],
  );
});

test('--speed compresses the pacing, --rate spaces the requests evenly, a period keeps loops paced', () => {
  assert.deepEqual(
    planEntries(browser, { speed: 4 }).requests.map((r) => r.atMs),
    [0, 12.5, 50, 112.5, 175, 225, 250, 300],
  );
  const even = planEntries(browser, { rate: 10 });
  assert.deepEqual(
    even.requests.map((r) => r.atMs),
    [0, 100, 200, 300, 400, 500, 600, 700],
  );
  assert.equal(even.periodMs, 800);
  assert.ok(Math.abs(planEntries(browser, {}).periodMs - (1200 + 1200 / 7)) < 1e-9);
});

test('filters select by host, path glob and method', () => {
  const paths = (filter: Parameters<typeof planEntries>[1]['filter']) =>
    planEntries(browser, { filter }).requests.map((r) => `${r.method} ${r.target}`);
  assert.deepEqual(paths({ paths: ['/api/products*'] }), [
    'GET /api/products?page=1',
    'GET /api/products/42',
    'GET /api/products/7f3c2a10-1b2c-4d5e-8f90-123456789abc/reviews',
  ]);
  assert.deepEqual(paths({ methods: ['post', 'DELETE'] }), [
    'POST /api/cart',
    'POST /login',
    'DELETE /api/cart/42',
  ]);
  assert.deepEqual(paths({ hosts: ['www.google-analytics.com'] }), ['GET /g/collect?v=2']);
  assert.throws(
    () => planEntries(browser, { filter: { methods: ['PATCH'] } }),
    (e: unknown) =>
      e instanceof RecordingError &&
      /no request of the HAR left to play \(11 entries, after --filter\)/.test(e.message),
  );
});

test('a file that is not a HAR is a one-line RecordingError', () => {
  assert.throws(
    () => planPlayback({ file: '/nonexistent/x.har' }),
    /cannot read HAR file \/nonexistent\/x\.har \(ENOENT\)/,
  );
  assert.throws(
    () => planPlayback({ file: new URL('../../package.json', import.meta.url).pathname }),
    /not a HAR file \(no log\.entries\)/,
  );
});
