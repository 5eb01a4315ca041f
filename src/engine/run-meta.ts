import type { RunMeta } from '../metrics/summary.ts';
import type { RunStartInfo } from '../report/reporter.ts';
import { VOLLEY_VERSION } from '../version.ts';
import { stagesDurationSec } from './load-stages.ts';
import type { RunPlan } from './run-plan.ts';

/** What only the run itself knows; the rest of the metadata comes from the plan and the two times. */
export type RunOutcomeMeta = Pick<RunMeta, 'peakUsers' | 'stopReason' | 'generator' | 'usersByClass'>;

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
    ...(outcome.usersByClass !== undefined && Object.keys(outcome.usersByClass).length > 0
      ? { usersByClass: outcome.usersByClass }
      : {}),
  };
}

/** What the reporters learn when a run starts, the same for one process and for a multi-process coordinator. */
export function runStartInfo(plan: RunPlan, startedAt: Date): RunStartInfo {
  return {
    scenario: plan.scenario,
    host: plan.host,
    plannedDurationSec: plannedDurationSec(plan),
    users: plan.users,
    startedAt,
  };
}

/** How long the run is planned to take: --run-time, else the stages' total; null when open-ended. */
export function plannedDurationSec(plan: RunPlan): number | null {
  return plan.runTimeSec ?? (plan.stages ? stagesDurationSec(plan.stages) : null);
}
