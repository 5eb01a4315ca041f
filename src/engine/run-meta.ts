import type { RunMeta } from '../metrics/summary.ts';
import { VOLLEY_VERSION } from '../version.ts';
import type { RunPlan } from './run-plan.ts';

/** What only the run itself knows; the rest of the metadata comes from the plan and the two times. */
export type RunOutcomeMeta = Pick<RunMeta, 'peakUsers' | 'stopReason' | 'generator'>;

/** A finished run's metadata, the same for one process and for a multi-process coordinator. */
export function runMeta(plan: RunPlan, startedAt: Date, endedAt: Date, outcome: RunOutcomeMeta): RunMeta {
  return {
    volleyVersion: VOLLEY_VERSION,
    scenario: plan.scenario,
    host: plan.host,
    command: plan.command,
    startedAt: startedAt.toISOString(),
    endedAt: endedAt.toISOString(),
    durationSec: (endedAt.getTime() - startedAt.getTime()) / 1000,
    peakUsers: outcome.peakUsers,
    seed: plan.seed,
    stopReason: outcome.stopReason,
    loadModel: plan.loadModel,
    profile: plan.profile,
    ...(outcome.generator !== undefined ? { generator: outcome.generator } : {}),
  };
}
