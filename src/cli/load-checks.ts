import { applyProfile } from '../engine/load-profiles.ts';
import { parseRate, parseStages } from '../engine/load-stages.ts';
import type { VolleyOptions } from '../script/options.ts';
import { UsageError } from './usage-error.ts';

/**
 * Refuses settings under which a run would send nothing: it would run its whole time with empty tables
 * and could pass a CI job. (The library allows 0 users: a run steered by code may start idle.)
 */
export function checkSendsLoad(raw: VolleyOptions): void {
  const options = applyProfile(raw);
  if (options.findCapacity || options.shape !== undefined) return;
  if (options.stages !== undefined) {
    if (parseStages(options.stages).stages.every((stage) => stage.target === 0))
      throw new UsageError('--stages: every stage targets 0, so the run would send no request');
    return;
  }
  if (options.arrivalRate !== undefined) {
    if (parseRate(options.arrivalRate, '--arrival-rate') === 0)
      throw new UsageError(
        '--arrival-rate: 0 arrivals would send no request; give a rate above 0, e.g. 10/s',
      );
    return;
  }
  if (options.users === 0)
    throw new UsageError('--users: 0 users would send no request; give 1 or more, e.g. -u 10');
}

/** `:abort` thresholds are judged by the process running the users: one process only. */
export function checkAbortThresholds(options: VolleyOptions, distributed: boolean): void {
  const abort = options.thresholds?.find((t) => /:\s*abort\s*$/i.test(t));
  if (distributed && abort !== undefined)
    throw new UsageError(
      `--threshold "${abort}": :abort judges the run in one process; drop --processes/--master or :abort`,
    );
}
