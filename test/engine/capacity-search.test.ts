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

test('a step broken by dropped arrivals says whether volley itself was saturated or the users were at their cap', (t) => {
  const broken = (saturated: number, atCap: number): string[] => {
    t.mock.timers.reset();
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const search = new CapacitySearch({ startRate: 10, stepRate: 10, stepDurationSec: 1, maxRate: 10 }, [], {
      planRate: () => {},
      launchBefore: () => {},
      end: () => {},
    });
    const startMs = performance.now();
    search.start(startMs);
    for (let k = 0; k < 10; k++) {
      const step = search.stepFor(startMs + k * 100);
      assert.ok(step);
      if (k < saturated) search.dropped(startMs + k * 100, true);
      else if (k < saturated + atCap) search.dropped(startMs + k * 100, false);
      else {
        search.launched(step);
        search.arrivalDone(step);
      }
    }
    t.mock.timers.tick(1000);
    const [step] = search.summary().steps;
    search.stop();
    return step?.broken ?? [];
  };
  assert.deepEqual(broken(2, 0), ['dropped 20.0% of arrivals (volley itself saturated)']);
  assert.deepEqual(broken(0, 2), ['dropped 20.0% of arrivals (max users reached)']);
  assert.deepEqual(broken(1, 1), [
    'dropped 20.0% of arrivals (max users reached; 1 with volley itself saturated)',
  ]);
});
