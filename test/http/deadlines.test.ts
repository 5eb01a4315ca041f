import assert from 'node:assert/strict';
import { it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { addDeadline } from '../../src/http/deadlines.ts';

it('deadlines expire in order unless cancelled, and can be added again after the list emptied', async () => {
  const expired: string[] = [];
  const onExpire = (name: string) => expired.push(name);
  const a = addDeadline(30, onExpire, 'a');
  const b = addDeadline(30, onExpire, 'b');
  addDeadline(30, onExpire, 'c');
  b.cancel();
  b.cancel(); // twice is harmless
  const d = addDeadline(30, onExpire, 'd');
  d.cancel();
  assert.ok(a.at <= d.at);
  await sleep(120);
  assert.deepEqual(expired, ['a', 'c']);
  addDeadline(20, onExpire, 'e');
  const f = addDeadline(20, onExpire, 'f');
  f.cancel();
  await sleep(100);
  assert.deepEqual(expired, ['a', 'c', 'e']);
});
