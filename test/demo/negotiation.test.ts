import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bodyFormatOf, wantsProtobuf } from '../../src/demo/media-types.ts';
import { json } from '../../src/demo/reply.ts';
import { Router } from '../../src/demo/router.ts';

test('bodyFormatOf reads the Content-Type the way clients send it', () => {
  assert.equal(bodyFormatOf(undefined, 0), 'none');
  assert.equal(bodyFormatOf(undefined, 5), 'json');
  assert.equal(bodyFormatOf('application/json; charset=utf-8', 5), 'json');
  assert.equal(bodyFormatOf('application/x-www-form-urlencoded', 5), 'form');
  for (const type of [
    'application/x-protobuf',
    'application/protobuf',
    'application/grpc+proto',
    'Application/X-Protobuf',
  ]) {
    assert.equal(bodyFormatOf(type, 5), 'protobuf', type);
  }
  assert.equal(bodyFormatOf('text/plain', 5), 'other');
});

test('wantsProtobuf: Accept decides, else the request format', () => {
  assert.equal(wantsProtobuf('application/x-protobuf', 'none'), true);
  assert.equal(wantsProtobuf('application/json', 'protobuf'), false);
  assert.equal(wantsProtobuf('application/json;q=0.5, application/protobuf', 'none'), true);
  assert.equal(wantsProtobuf('application/x-protobuf;q=0.2, application/json', 'protobuf'), false);
  assert.equal(wantsProtobuf('*/*', 'protobuf'), true);
  assert.equal(wantsProtobuf(undefined, 'json'), false);
  assert.equal(wantsProtobuf(undefined, 'protobuf'), true);
});

test('Router matches exact and parameter paths, and tells a wrong method from a missing path', () => {
  const ok = () => json({});
  const router = new Router([
    { method: 'GET', path: '/students', handler: ok },
    { method: 'GET', path: '/students/:id', handler: ok },
    { method: 'PUT', path: '/students/:id', handler: ok },
    { method: 'GET', path: '/api/users/:id/posts', handler: ok },
  ]);
  assert.deepEqual(router.match('GET', '/students/7'), { kind: 'found', handler: ok, params: { id: '7' } });
  assert.deepEqual(router.match('GET', '/api/users/a%20b/posts'), {
    kind: 'found',
    handler: ok,
    params: { id: 'a b' },
  });
  assert.deepEqual(router.match('DELETE', '/students/7'), { kind: 'wrong-method', allowed: ['GET', 'PUT'] });
  assert.deepEqual(router.match('GET', '/students/'), { kind: 'not-found' });
  assert.deepEqual(router.match('GET', '/students/%E0%A4%A'), { kind: 'not-found' });
  assert.deepEqual(router.match('GET', '/nothing'), { kind: 'not-found' });
  assert.throws(
    () =>
      new Router([
        { method: 'GET', path: '/x', handler: ok },
        { method: 'GET', path: '/x', handler: ok },
      ]),
    /duplicate route GET \/x/,
  );
});
