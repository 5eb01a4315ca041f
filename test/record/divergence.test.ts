import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  checkRequest,
  comparableBody,
  comparableUrl,
  formatDivergences,
  recordedRequest,
} from '../../src/record/divergence.ts';
import type { HarEntry } from '../../src/record/har.ts';
import { defaultRedactionRules, Redactor } from '../../src/record/redaction.ts';

const ORIGIN = 'http://127.0.0.1:5000';
const request = (method: string, path: string, body = '') => ({ method, url: `${ORIGIN}${path}`, body });

test('a replayed request that is the recorded one is no divergence', () => {
  const same = request('POST', '/students?x=1', '{"name":"A"}');
  assert.equal(checkRequest(1, 3, same, { ...same }, ORIGIN), null);
});

test('a different path, query or method is a divergence that shows both', () => {
  const expected = request('GET', '/students/1');
  const path = checkRequest(2, 5, expected, request('GET', '/students/2'), ORIGIN);
  assert.deepEqual(path?.diff, [`url: ${ORIGIN}/students/1 → ${ORIGIN}/students/2`]);
  assert.equal(path?.message, 'user 2, request #5: expected GET /students/1 got GET /students/2');
  const query = checkRequest(2, 5, expected, request('GET', '/students/1?limit=5'), ORIGIN);
  assert.deepEqual(query?.diff, [`url: ${ORIGIN}/students/1 → ${ORIGIN}/students/1?limit=5`]);
  const method = checkRequest(2, 5, expected, request('DELETE', '/students/1'), ORIGIN);
  assert.deepEqual(method?.diff, ['method: GET → DELETE']);
});

test('a different body is a divergence by JSON path', () => {
  const divergence = checkRequest(
    1,
    1,
    request('POST', '/s', '{"name":"A"}'),
    request('POST', '/s', '{"name":"B"}'),
    ORIGIN,
  );
  assert.deepEqual(divergence?.diff, ['$.name: "A" → "B"']);
});

test('a request beyond the recording is a divergence', () => {
  const divergence = checkRequest(4, 9, null, request('GET', '/extra'), ORIGIN);
  assert.equal(divergence?.message, 'user 4, request #9: not recorded, got GET /extra');
});

test('a body divergence names every differing JSON path, nested, in arrays, missing on either side', () => {
  const divergence = checkRequest(
    1,
    1,
    request('POST', '/s', '{"a":{"b":1,"gone":true},"list":[1,2],"same":"x"}'),
    request('POST', '/s', '{"a":{"b":2,"new":null},"list":[1,3,4],"same":"x"}'),
    ORIGIN,
  );
  assert.deepEqual(divergence?.diff, [
    '$.a.b: 1 → 2',
    '$.a.gone: true → (missing)',
    '$.a.new: (missing) → null',
    '$.list[1]: 2 → 3',
    '$.list[2]: (missing) → 4',
  ]);
});

test('an object where an array was, or a value where an object was, differs as a whole', () => {
  const diff = (expected: string, actual: string) =>
    checkRequest(1, 1, request('POST', '/s', expected), request('POST', '/s', actual), ORIGIN)?.diff;
  assert.deepEqual(diff('{"v":[1]}', '{"v":{"0":1}}'), ['$.v: [1] → {"0":1}']);
  assert.deepEqual(diff('{"v":{"k":1}}', '{"v":null}'), ['$.v: {"k":1} → null']);
  assert.deepEqual(diff('{"v":null}', '{"v":{"k":1}}'), ['$.v: null → {"k":1}']);
  assert.deepEqual(diff('{"v":"1"}', '{"v":1}'), ['$.v: "1" → 1']);
});

test('a body divergence lists at most six differences, and long values are cut at 200 characters', () => {
  const many = (n: number) =>
    JSON.stringify(Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}`, n])));
  const divergence = checkRequest(
    1,
    1,
    request('POST', '/s', many(1)),
    request('POST', '/s', many(2)),
    ORIGIN,
  );
  assert.equal(divergence?.diff.length, 6);
  const long = 'x'.repeat(300);
  const cut = checkRequest(
    1,
    1,
    request('POST', '/s', JSON.stringify({ v: long })),
    request('POST', '/s', JSON.stringify({ v: 'y' })),
    ORIGIN,
  );
  assert.deepEqual(cut?.diff, [`$.v: "${'x'.repeat(199)}… → "y"`]);
  const exactly = checkRequest(
    1,
    1,
    request('POST', '/s', JSON.stringify({ v: 'x'.repeat(198) })),
    request('POST', '/s', '{"v":1}'),
    ORIGIN,
  );
  assert.deepEqual(exactly?.diff, [`$.v: "${'x'.repeat(198)}" → 1`]);
});

test('a text body divergence shows where it starts, with up to 20 characters before and 30 after', () => {
  const before = 'a'.repeat(25);
  const divergence = checkRequest(
    1,
    1,
    request('POST', '/s', `${before}XYZ${'b'.repeat(40)}`),
    request('POST', '/s', `${before}QRS${'b'.repeat(40)}`),
    ORIGIN,
  );
  assert.deepEqual(divergence?.diff, [
    `body differs at character 25: "…${'a'.repeat(20)}XYZ${'b'.repeat(27)}" → "…${'a'.repeat(20)}QRS${'b'.repeat(27)}"`,
  ]);
  const early = checkRequest(1, 1, request('POST', '/s', 'ab'), request('POST', '/s', 'abc'), ORIGIN);
  assert.deepEqual(early?.diff, ['body differs at character 2: "…ab" → "…abc"']);
});

test('the message shows paths under the origin, the root as /, other URLs whole, and bodies cut short', () => {
  const root = checkRequest(3, 1, request('GET', '/a'), request('GET', ''), ORIGIN);
  assert.equal(root?.message, 'user 3, request #1: expected GET /a got GET /');
  const elsewhere = checkRequest(
    3,
    1,
    request('GET', '/a'),
    { method: 'GET', url: 'http://other/a', body: '' },
    ORIGIN,
  );
  assert.equal(elsewhere?.message, 'user 3, request #1: expected GET /a got GET http://other/a');
  const noOrigin = checkRequest(3, 1, request('GET', '/a'), request('GET', '/b'), '');
  assert.equal(noOrigin?.message, `user 3, request #1: expected GET ${ORIGIN}/a got GET ${ORIGIN}/b`);
  const body = checkRequest(3, 2, request('POST', '/a', 'x'.repeat(250)), request('POST', '/a', 'y'), ORIGIN);
  assert.equal(
    body?.message,
    `user 3, request #2: expected POST /a body ${'x'.repeat(200)}… got POST /a body y`,
  );
});

test('the divergence report has a block per user and says how many users diverged', () => {
  const one = checkRequest(1, 2, request('GET', '/a'), request('GET', '/b'), ORIGIN)!;
  const two = checkRequest(2, 1, null, request('GET', '/c'), ORIGIN)!;
  assert.equal(
    formatDivergences([one]),
    [
      'replay diverged from the recording (1 user):',
      '  user 1, request #2: expected GET /a got GET /b',
      `      url: ${ORIGIN}/a → ${ORIGIN}/b`,
    ].join('\n'),
  );
  assert.equal(formatDivergences([one, two]).split('\n')[0], 'replay diverged from the recording (2 users):');
  assert.deepEqual(two.diff, ['not in the recording: this user sent more requests than were recorded']);
  assert.equal(two.expected, null);
});

test('secrets compare as wildcards: a redacted recording matches the live request with the real secret', () => {
  const wildcard = new Redactor(defaultRedactionRules({}), { wildcard: true });
  const entry = {
    request: {
      method: 'POST',
      url: `${ORIGIN}/login?token=__REDACTED_1__`,
      postData: { mimeType: 'application/json', text: '{"password":"__REDACTED_2__","user":"ann"}' },
    },
  } as HarEntry;
  const recorded = recordedRequest(entry, wildcard);
  const live = {
    method: 'POST',
    url: comparableUrl(`${ORIGIN}/login?token=real-token-value`, wildcard),
    body: comparableBody('{"password":"hunter2-real","user":"ann"}', 'application/json', wildcard),
  };
  assert.equal(checkRequest(1, 1, recorded, live, ORIGIN), null);
  const otherUser = comparableBody('{"password":"hunter2-real","user":"bob"}', 'application/json', wildcard);
  assert.deepEqual(checkRequest(1, 1, recorded, { ...live, body: otherUser }, ORIGIN)?.diff, [
    '$.user: "ann" → "bob"',
  ]);
  const noBody = recordedRequest({ request: { method: 'GET', url: `${ORIGIN}/` } } as HarEntry, wildcard);
  assert.equal(noBody.body, '');
});

test('a JSON value where text or an object was, or the other way round, differs as a whole', () => {
  const diff = (expected: string, actual: string) =>
    checkRequest(1, 1, request('POST', '/s', expected), request('POST', '/s', actual), ORIGIN)?.diff;
  assert.deepEqual(diff('{"v":"ab"}', '{"v":{"k":1}}'), ['$.v: "ab" → {"k":1}']);
  assert.deepEqual(diff('{"v":{"k":1}}', '{"v":"ab"}'), ['$.v: {"k":1} → "ab"']);
  assert.deepEqual(diff('{"a":1}', 'not json'), ['body differs at character 0: "…{"a":1}" → "…not json"']);
  assert.deepEqual(diff('not json', '{"a":1}'), ['body differs at character 0: "…not json" → "…{"a":1}"']);
});
