import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CapacitySearch } from '../../src/engine/capacity-search.ts';

test('a step whose timer fires before performance.now() reaches its end still counts its last arrivals', (t) => {
  // Mocked timers fire on their own clock while performance.now() stays put: the step's end comes "early".
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const startMs = performance.now();
  // Arrivals at 10/s, 0 … 900 ms into the first step; each finishes at once.
  const pending = Array.from({ length: 10 }, (_, k) => startMs + k * 100);
  const launch = (beforeMs: number) => {
    while (pending.length > 0 && pending[0]! < beforeMs) {
      const step = search.stepFor(pending.shift()!);
      assert.ok(step);
      search.launched(step);
      search.arrivalDone(step);
    }
  };
  const search = new CapacitySearch({ startRate: 10, stepRate: 10, stepDurationSec: 1, maxRate: 10 }, [], {
    planRate: () => {},
    launchBefore: launch,
    end: () => {},
  });
  search.start(startMs);
  launch(startMs + 850); // the arrival at 900 ms waits for its timer, which the step's end beats
  t.mock.timers.tick(1000);
  const [step] = search.summary().steps;
  assert.ok(step, 'the step was judged');
  assert.equal(step.launched, 10);
  assert.equal(step.achievedRate, 10);
  search.stop();
});
