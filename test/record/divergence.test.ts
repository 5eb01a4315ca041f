import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkRequest } from '../../src/record/divergence.ts';

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
