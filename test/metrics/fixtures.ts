import { RunStats } from '../../src/metrics/run-stats.ts';
import type { RunMeta } from '../../src/metrics/summary.ts';

/** Epoch ms at which test runs start (a whole second, like any other). */
export const T0 = 1_700_000_000_000;

/** A clock the test moves by hand. */
export class FakeClock {
  ms = T0;
  readonly now = (): number => this.ms;

  /** Moves to `offsetMs` after T0. */
  set(offsetMs: number): void {
    this.ms = T0 + offsetMs;
  }
}

/** A RunStats on a fake clock, started at T0. */
export function startedStats(): { stats: RunStats; clock: FakeClock } {
  const clock = new FakeClock();
  const stats = new RunStats({ now: clock.now });
  stats.start(T0);
  return { stats, clock };
}

export const META: RunMeta = {
  volleyVersion: '0.1.0',
  scenario: 'test.ts',
  host: 'http://localhost',
  command: 'volley run test.ts',
  startedAt: '2023-11-14T22:13:20.000Z',
  endedAt: '2023-11-14T22:13:30.000Z',
  durationSec: 10,
  peakUsers: 1,
  seed: null,
  stopReason: 'run-time',
};
