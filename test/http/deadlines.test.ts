import assert from 'node:assert/strict';
import { it } from 'node:test';
import { addDeadline, type Deadline } from '../../src/http/deadlines.ts';
import { measuringLoopDelay } from '../helpers/loop-delay.ts';

/** How late a deadline may fire on a quiet machine (generous); a busy one adds its measured event-loop delay. */
const LATE_MS = 500;

/**
 * Adds deadlines by name and records when each fired. `settled(name)` resolves when that one fires:
 * deadlines of one length fire in the order they were added, so once a deadline added after a cancelled
 * one has fired, the cancelled one would have fired already — no guessed wait needed to see it never does.
 */
function deadlines(timeoutMs: number) {
  const firedAt = new Map<string, number>();
  const waiting = new Map<string, () => void>();
  const added = new Map<string, Deadline>();
  const onExpire = (name: string) => {
    firedAt.set(name, performance.now());
    waiting.get(name)?.();
  };
  return {
    firedAt,
    add(name: string): Deadline {
      const deadline = addDeadline(timeoutMs, onExpire, name);
      added.set(name, deadline);
      return deadline;
    },
    settled(name: string): Promise<void> {
      return new Promise((resolve) => waiting.set(name, resolve));
    },
    /** Fired names in firing order, each checked neither before its deadline nor later than allowed. */
    fired(heldUpMs: number): string[] {
      const order = [...firedAt].sort((x, y) => x[1] - y[1]);
      for (const [name, at] of order) {
        const due = added.get(name)!.at;
        assert.ok(at >= due, `${name} fired ${(due - at).toFixed(1)} ms early`);
        assert.ok(at - due < LATE_MS + heldUpMs, `${name} fired ${(at - due).toFixed(1)} ms late`);
      }
      return order.map(([name]) => name);
    },
  };
}

it('fires deadlines in order, never early, never the cancelled ones, and again after the list emptied', async () => {
  const list = deadlines(30);
  const { heldUpMs } = await measuringLoopDelay(async () => {
    const a = list.add('a');
    const b = list.add('b');
    list.add('c');
    b.cancel();
    b.cancel(); // twice is harmless
    const d = list.add('d');
    d.cancel();
    assert.ok(a.at <= d.at);
    const last = list.settled('last');
    list.add('last');
    await last;
  });
  assert.deepEqual(list.fired(heldUpMs), ['a', 'c', 'last']);

  const again = deadlines(30);
  const second = await measuringLoopDelay(async () => {
    again.add('e');
    again.add('f').cancel();
    const last = again.settled('last');
    again.add('last');
    await last;
  });
  assert.deepEqual(again.fired(second.heldUpMs), ['e', 'last']);
});
