import assert from 'node:assert/strict';
import { it } from 'node:test';
import { Sleepers } from '../../src/engine/sleepers.ts';

it('sleepers wake after their time, or all at once when the run stops', async () => {
  const controller = new AbortController();
  const sleepers = new Sleepers(controller.signal);
  const woken: string[] = [];
  await sleepers.sleep(5).then(() => woken.push('short'));
  const long = Array.from({ length: 1000 }, () => sleepers.sleep(60_000).then(() => woken.push('long')));
  controller.abort();
  await Promise.all(long);
  assert.equal(woken.length, 1001);
  await sleepers.sleep(60_000); // after the stop: at once
});
