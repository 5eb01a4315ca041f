import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { test } from 'node:test';
import { crossSiteRefusal, generateToken } from '../../src/web/access.ts';

test('generated tokens are long and different', () => {
  const a = generateToken();
  assert.match(a, /^[\w-]{22}$/);
  assert.notEqual(a, generateToken());
});

function req(headers: Record<string, string>): IncomingMessage {
  return { headers: { host: '127.0.0.1:8089', ...headers } } as unknown as IncomingMessage;
}

test('cross-site checks: same Origin and JSON pass; other origins, sites and content types do not', () => {
  const json = { 'content-type': 'application/json; charset=utf-8' };
  assert.equal(
    crossSiteRefusal(req({ ...json, origin: 'http://127.0.0.1:8089', 'sec-fetch-site': 'same-origin' })),
    null,
  );
  assert.equal(crossSiteRefusal(req(json)), null, 'curl sends neither Origin nor Sec-Fetch-Site');
  assert.match(crossSiteRefusal(req({ ...json, origin: 'http://127.0.0.1:9999' })) ?? '', /Origin differs/);
  assert.match(crossSiteRefusal(req({ ...json, origin: 'null' })) ?? '', /bad Origin|Origin differs/);
  assert.match(crossSiteRefusal(req({ ...json, 'sec-fetch-site': 'same-site' })) ?? '', /Sec-Fetch-Site/);
  assert.match(crossSiteRefusal(req({ 'content-type': 'text/plain' })) ?? '', /application\/json/);
});
