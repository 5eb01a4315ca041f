import { RunStats } from '../metrics/run-stats.ts';
import type {
  CapacityStep,
  CapacitySummary,
  EndpointSummary,
  RunMeta,
  RunSummary,
  ThresholdResult,
} from '../metrics/summary.ts';
import type { Threshold } from '../metrics/thresholds.ts';
import type { CapacitySearchPlan } from './run-plan.ts';

/** Share of a step's arrivals that may be dropped before the step counts as not sustained. */
const MAX_DROPPED_RATIO = 0.01;

/** What the search drives in the run. */
export interface CapacityControl {
  /** A constant arrival rate from `atMs` (performance.now() ms) on. */
  planRate(rate: number, atMs: number): void;
  /** Launches now the arrivals intended before `atMs` still pending. */
  launchBefore(atMs: number): void;
  end(reason: string): void;
}

export interface StepRecord {
  readonly index: number;
  readonly rate: number;
  readonly startMs: number;
  readonly endMs: number;
  readonly stats: RunStats;
  launched: number;
  dropped: number;
  /** Of `dropped`, below the cap on a saturated volley. */
  droppedSaturated: number;
  inFlight: number;
  closed: boolean;
  result: CapacityStep | null;
  table: { endpoints: EndpointSummary[]; aggregated: EndpointSummary } | null;
  thresholds: ThresholdResult[];
}

const STEP_META: RunMeta = {
  volleyVersion: '',
  scenario: '',
  host: '',
  command: '',
  startedAt: '',
  endedAt: '',
  durationSec: 0,
  peakUsers: 0,
  seed: null,
  stopReason: 'capacity',
};

/**
 * Capacity search: constant-rate steps (start, start + step, …) of a fixed length. Each arrival belongs to
 * the step it was scheduled in, so a slow response is charged to the rate that caused it even when it
 * completes later. A step is judged once its arrivals have finished (or after one more step length):
 * it passes when every threshold holds on its own requests, at most 1 % of its arrivals were dropped and
 * none was still running. The first failing step ends the search; the highest passing rate is the capacity.
 */
export class CapacitySearch {
  readonly #plan: CapacitySearchPlan;
  readonly #thresholds: readonly Threshold[];
  readonly #control: CapacityControl;
  readonly #steps: StepRecord[] = [];
  #judged = 0;
  #breakingRate: number | null = null;
  #finished = false;
  #stepTimer: NodeJS.Timeout | null = null;
  readonly #graceTimers = new Set<NodeJS.Timeout>();

  constructor(plan: CapacitySearchPlan, thresholds: readonly Threshold[], control: CapacityControl) {
    this.#plan = plan;
    this.#thresholds = thresholds;
    this.#control = control;
  }

  start(startMs: number): void {
    this.#openStep(0, startMs);
  }

  /** The step an arrival scheduled at `intendedMs` counts in (null once the search is over). */
  stepFor(intendedMs: number): StepRecord | null {
    for (let i = this.#steps.length - 1; i >= 0; i--) {
      const step = this.#steps[i]!;
      if (intendedMs >= step.startMs) return step.result === null ? step : null;
    }
    return null;
  }

  launched(step: StepRecord): void {
    step.launched += 1;
    step.inFlight += 1;
  }

  dropped(intendedMs: number, saturated: boolean): void {
    const step = this.stepFor(intendedMs);
    if (!step) return;
    step.dropped += 1;
    if (saturated) step.droppedSaturated += 1;
  }

  arrivalDone(step: StepRecord): void {
    step.inFlight -= 1;
    if (step.closed && step.inFlight === 0) this.#judgeInOrder(false);
  }

  /** The run ended: judge what can be judged, free the step statistics. */
  stop(): void {
    this.#finished = true;
    if (this.#stepTimer) clearTimeout(this.#stepTimer);
    for (const t of this.#graceTimers) clearTimeout(t);
    this.#graceTimers.clear();
    // Steps that completed their time are judged as they stand; a step cut short by the end is not.
    for (const step of this.#steps) if (performance.now() >= step.endMs) step.closed = true;
    this.#judgeInOrder(true);
    for (const step of this.#steps) step.stats.dispose();
  }

  /** The threshold verdicts at the sustainable rate (empty when no step passed). */
  sustainableThresholds(): ThresholdResult[] {
    return this.#sustainableStep()?.thresholds ?? [];
  }

  #sustainableStep(): StepRecord | null {
    const results = this.#steps.filter((s) => s.result !== null);
    const firstFail = results.findIndex((s) => !s.result?.passed);
    return (firstFail === -1 ? results : results.slice(0, firstFail)).at(-1) ?? null;
  }

  /**
   * The run's summary with the search's result. The thresholds were the search's breaking criteria: their
   * verdicts are those at the sustainable rate, and the run passes when a sustainable rate was found.
   */
  applyTo(summary: RunSummary, exitCodeOnError: number): RunSummary {
    const capacity = this.summary();
    const found = capacity.sustainableRate !== null;
    return {
      ...summary,
      capacity,
      thresholds: this.sustainableThresholds(),
      passed: found,
      exitCode: found ? 0 : Math.max(1, exitCodeOnError),
    };
  }

  summary(): CapacitySummary {
    const results = this.#steps.flatMap((s) => (s.result ? [s] : []));
    const firstFail = results.findIndex((s) => !s.result?.passed);
    const passing = (firstFail === -1 ? results : results.slice(0, firstFail)).filter(
      (s) => s.result?.passed,
    );
    const best = passing.at(-1) ?? null;
    return {
      sustainableRate: best ? best.rate : null,
      breakingRate: this.#breakingRate,
      thresholds: this.#thresholds.map((t) => t.expression),
      stepDurationSec: this.#plan.stepDurationSec,
      steps: (firstFail === -1 ? results : results.slice(0, firstFail + 1)).map((s) => s.result!),
      sustainable: best?.table ?? null,
    };
  }

  #openStep(index: number, startMs: number): void {
    const rate = this.#plan.startRate + index * this.#plan.stepRate;
    const endMs = startMs + this.#plan.stepDurationSec * 1000;
    const stats = new RunStats();
    stats.start(performance.timeOrigin + startMs);
    this.#steps.push({
      index,
      rate,
      startMs,
      endMs,
      stats,
      launched: 0,
      dropped: 0,
      droppedSaturated: 0,
      inFlight: 0,
      closed: false,
      result: null,
      table: null,
      thresholds: [],
    });
    this.#control.planRate(rate, startMs);
    this.#stepTimer = setTimeout(() => this.#closeStep(index), Math.max(0, endMs - performance.now()));
  }

  #closeStep(index: number): void {
    this.#stepTimer = null;
    const step = this.#steps[index];
    if (!step || this.#finished) return;
    // The timer may fire a hair before performance.now() reaches the step's end: the step's last
    // arrivals go now, into it, rather than after it was judged.
    this.#control.launchBefore(step.endMs);
    step.closed = true;
    step.stats.stop(performance.timeOrigin + step.endMs);
    const nextRate = this.#plan.startRate + (index + 1) * this.#plan.stepRate;
    if (nextRate <= this.#plan.maxRate + 1e-9) this.#openStep(index + 1, step.endMs);
    else this.#control.planRate(0, step.endMs);
    // Arrivals of this step get one more step length to finish before it is judged as it stands.
    const grace = setTimeout(
      () => {
        this.#graceTimers.delete(grace);
        this.#judgeInOrder(false);
      },
      Math.max(0, step.endMs + this.#plan.stepDurationSec * 1000 - performance.now()),
    );
    this.#graceTimers.add(grace);
    this.#judgeInOrder(false);
  }

  /** Judges closed steps in order; `force` judges a step even with arrivals still running. */
  #judgeInOrder(force: boolean): void {
    while (this.#judged < this.#steps.length && this.#breakingRate === null) {
      const step = this.#steps[this.#judged]!;
      if (!step.closed) return;
      const overdue = performance.now() >= step.endMs + this.#plan.stepDurationSec * 1000 - 5;
      if (step.inFlight > 0 && !force && !overdue) return;
      this.#judge(step);
      this.#judged += 1;
      if (!step.result?.passed) {
        this.#breakingRate = step.rate;
        if (!this.#finished) this.#control.end('capacity');
        return;
      }
    }
    if (this.#judged === this.#steps.length && this.#steps.at(-1)?.closed && !this.#finished) {
      const last = this.#steps.at(-1)!;
      if (last.rate + this.#plan.stepRate > this.#plan.maxRate + 1e-9) this.#control.end('capacity');
    }
  }

  #judge(step: StepRecord): void {
    const summary = step.stats.summary(STEP_META, this.#thresholds, { exitCodeOnError: 1 });
    const { aggregated } = summary;
    const broken: string[] = [];
    for (const t of summary.thresholds) {
      if (!t.passed)
        broken.push(`${t.expression} (actual ${t.actual === null ? 'n/a' : +t.actual.toFixed(3)})`);
    }
    const scheduled = step.launched + step.dropped;
    if (scheduled > 0 && step.dropped / scheduled > MAX_DROPPED_RATIO) {
      const why =
        step.droppedSaturated === 0
          ? 'max users reached'
          : step.droppedSaturated === step.dropped
            ? 'volley itself saturated'
            : `max users reached; ${step.droppedSaturated} with volley itself saturated`;
      broken.push(`dropped ${((100 * step.dropped) / scheduled).toFixed(1)}% of arrivals (${why})`);
    }
    if (step.inFlight > 0) broken.push(`${step.inFlight} arrivals still running one step later`);
    const durationSec = (step.endMs - step.startMs) / 1000;
    step.result = {
      rate: step.rate,
      achievedRate: durationSec > 0 ? Math.round((step.launched / durationSec) * 1000) / 1000 : 0,
      launched: step.launched,
      dropped: step.dropped,
      requests: aggregated.requests,
      failRatio:
        aggregated.requests > 0 ? Math.round((aggregated.failures / aggregated.requests) * 1e6) / 1e6 : 0,
      p50Ms: aggregated.percentiles['50'] ?? 0,
      p95Ms: aggregated.percentiles['95'] ?? 0,
      p99Ms: aggregated.percentiles['99'] ?? 0,
      passed: broken.length === 0,
      broken,
    };
    step.table = { endpoints: summary.endpoints, aggregated };
    step.thresholds = summary.thresholds;
  }
}
