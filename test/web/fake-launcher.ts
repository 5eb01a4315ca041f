import { OptionError } from '../../src/engine/option-error.ts';
import type { RunSummary, StatsSnapshot } from '../../src/metrics/summary.ts';
import type { LiveRun, RunHooks, RunLauncher, RunParams } from '../../src/web/live-run.ts';

/** A run the test drives by hand: it records control calls and ends when the test says so. */
export class FakeRun implements LiveRun {
  readonly done: Promise<RunSummary>;
  readonly calls: string[] = [];
  readonly params: RunParams;
  readonly hooks: RunHooks;
  end: (summary: RunSummary) => void = () => {};
  fail: (error: Error) => void = () => {};
  byClass: Record<string, number> | null = { Reader: 2, Writer: 1 };
  readonly loadModel: 'closed' | 'open';
  readonly arrivalRate: number | null;

  constructor(params: RunParams, hooks: RunHooks) {
    this.params = params;
    this.hooks = hooks;
    this.loadModel = params.tags.includes('open') ? 'open' : 'closed';
    this.arrivalRate = this.loadModel === 'open' ? 25 : null;
    this.done = new Promise((resolve, reject) => {
      this.end = resolve;
      this.fail = reject;
    });
  }

  setUsers(users: number, spawnRate?: number): void {
    this.calls.push(`setUsers ${users}${spawnRate !== undefined ? ` ${spawnRate}` : ''}`);
  }
  setArrivalRate(rate: number): void {
    this.calls.push(`setArrivalRate ${rate}`);
  }
  stop(): void {
    this.calls.push('stop');
  }
  resetStats(): void {
    this.calls.push('resetStats');
  }
  usersByClass(): Record<string, number> | null {
    return this.byClass;
  }
  snapshot(snapshot: StatsSnapshot): void {
    this.hooks.onSnapshot(snapshot);
  }
}

/**
 * A launcher of FakeRuns; `runs` lists them in start order. A host of "bad" throws like a bad option;
 * a tag "open" makes an open-model run.
 */
export function fakeLauncher(): { launcher: RunLauncher; runs: FakeRun[] } {
  const runs: FakeRun[] = [];
  const launcher: RunLauncher = (params, hooks) => {
    if (params.host === 'bad') throw new OptionError('--host: invalid URL "bad"');
    const run = new FakeRun(params, hooks);
    runs.push(run);
    return run;
  };
  return { launcher, runs };
}

export const DEFAULT_PARAMS: RunParams = {
  users: 2,
  spawnRate: null,
  host: 'http://127.0.0.1:1',
  runTime: '10s',
  tags: [],
};
