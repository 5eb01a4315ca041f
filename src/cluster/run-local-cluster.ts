import { runLoadTest } from '../engine/run.ts';
import type { RunPlan } from '../engine/run-plan.ts';
import type { RunSummary } from '../metrics/summary.ts';
import type { VolleyOptions } from '../script/options.ts';
import { runCoordinator } from './coordinator.ts';
import { forkLocalWorkers, type LocalWorkerOptions } from './local-workers.ts';
import { effectiveWorkerCount } from './partition.ts';

/**
 * `volley run --processes N`: the plan's users split over N worker processes on this machine (never more
 * workers than users; one user runs in this process), coordinated by this process, which writes the reports.
 */
export async function runLocalCluster(
  plan: RunPlan,
  settings: VolleyOptions,
  processes: number,
  options: LocalWorkerOptions = {},
): Promise<RunSummary> {
  const count = effectiveWorkerCount(processes, plan);
  if (count === 1) return runLoadTest(plan);
  const workers = forkLocalWorkers(count, options);
  try {
    return await runCoordinator({ plan, settings, links: workers.links });
  } finally {
    // No worker outlives the run (their CPU time is then also the run's, for `time volley …`).
    await workers.exited;
  }
}
