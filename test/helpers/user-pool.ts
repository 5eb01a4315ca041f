import type { RunPlan } from '../../src/engine/run-plan.ts';
import { createTaskPicker, selectTasks, type TaskPicker } from '../../src/engine/task-picker.ts';
import { UserPool } from '../../src/engine/user-pool.ts';
import { RunSinks } from '../../src/engine/user-sink.ts';
import { HttpTransport } from '../../src/http/transport.ts';
import { RunStats } from '../../src/metrics/run-stats.ts';
import type { AnyUserClass } from '../../src/script/user.ts';

/**
 * A UserPool for a load model's own tests: users of `classes` (tasks that make no request), statistics in
 * a RunStats, `stop()` aborts what users are doing as a run's stop does. Call `close()` at the end.
 */
export function testPool(classes: readonly AnyUserClass[]) {
  const stats = new RunStats();
  stats.start();
  const sinks = new RunSinks(stats);
  const stopController = new AbortController();
  const transport = new HttpTransport({ connections: 1, insecure: false });
  // biome-ignore lint/suspicious/noExplicitAny: state types vary per class
  const pickers = new Map<AnyUserClass, () => TaskPicker<any>>();
  for (const cls of classes) pickers.set(cls, createTaskPicker(selectTasks(cls, null, null), cls.sequential));
  let gone = 0;
  const pool = new UserPool({
    plan: { host: 'http://127.0.0.1:9', requestTimeoutMs: 1000 } as RunPlan,
    transport,
    sinks,
    ctx: { sink: sinks, signal: stopController.signal, iterations: null, log: () => {} },
    seed: 7,
    pickers,
    onUserGone: () => {
      gone += 1;
    },
  });
  return {
    pool,
    sinks,
    stats,
    /** Users whose life has ended so far. */
    gone: () => gone,
    stop: () => stopController.abort(),
    close: async () => {
      stopController.abort();
      await pool.settle(5);
      await transport.destroy();
      stats.dispose();
    },
  };
}
