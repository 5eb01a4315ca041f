import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isLoopbackHost, isLoopbackHostHeader } from '../../src/report/loopback-host.ts';

test('only loopback binds go without a token', () => {
  for (const host of ['127.0.0.1', '127.1.2.3', '::1', 'localhost', 'LOCALHOST'])
    assert.ok(isLoopbackHost(host), host);
  for (const host of ['0.0.0.0', '::', '10.0.0.1', '192.168.1.2', 'example.com', '127.0.0.1.example.com']) {
    assert.ok(!isLoopbackHost(host), host);
  }
});

test('Host headers naming loopback pass; rebound names do not', () => {
  for (const h of ['127.0.0.1:8089', 'localhost:1', '[::1]:8089', 'localhost'])
    assert.ok(isLoopbackHostHeader(h), h);
  for (const h of [undefined, 'evil.example:8089', '10.0.0.1:8089', '[::]:80'])
    assert.ok(!isLoopbackHostHeader(h), h);
});
