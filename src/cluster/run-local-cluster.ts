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
export function runLocalCluster(
  plan: RunPlan,
  settings: VolleyOptions,
  processes: number,
  options: LocalWorkerOptions = {},
): Promise<RunSummary> {
  const count = effectiveWorkerCount(processes, plan);
  if (count === 1) return runLoadTest(plan);
  return runCoordinator({ plan, settings, links: forkLocalWorkers(count, options) });
}
