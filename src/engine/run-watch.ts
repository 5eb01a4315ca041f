import type { LogLevel } from '../log.ts';
import type { RunStats } from '../metrics/run-stats.ts';
import type { ThresholdResult } from '../metrics/summary.ts';
import type { Threshold } from '../metrics/thresholds.ts';

/** When the early failure check looks, and the share of failed requests it speaks up at. */
export const EARLY_CHECK_SEC = 5;
export const EARLY_FAIL_RATIO = 0.9;

/** The stop reason of a run a `:abort` threshold stopped. */
export const THRESHOLD_ABORT_REASON = 'threshold-abort';

export interface RunWatchHost {
  stats: Pick<RunStats, 'judge' | 'failureRate'>;
  thresholds: readonly Threshold[];
  log: (level: LogLevel, message: string) => void;
  /** Ends the run (its stop reason). */
  end: (reason: string) => void;
}

/**
 * Looks at a running test once a second: says once, early, when (nearly) every request fails, so a run
 * against a server that is down does not run its whole time in silence; and stops the run when a
 * `:abort` threshold fails.
 */
export class RunWatch {
  readonly #host: RunWatchHost;
  readonly #abortable: readonly Threshold[];
  #warned = false;
  /** The `:abort` threshold that stopped the run, if one did. */
  aborted: ThresholdResult | null = null;

  constructor(host: RunWatchHost) {
    this.#host = host;
    this.#abortable = host.thresholds.filter((t) => t.abort);
  }

  /** `elapsedSec`: since the run (or its last stats reset) started. */
  tick(elapsedSec: number): void {
    if (!this.#warned && elapsedSec >= EARLY_CHECK_SEC) {
      this.#warned = true;
      const warning = earlyFailureWarning(this.#host.stats.failureRate());
      if (warning) this.#host.log('warn', warning);
    }
    if (this.#abortable.length === 0 || this.aborted) return;
    const failed = this.#host.stats.judge(this.#abortable).find((r) => !r.passed && r.actual !== null);
    if (!failed) return;
    this.aborted = failed;
    this.#host.log(
      'error',
      `threshold "${failed.expression}" failed (actual ${+failed.actual!.toPrecision(3)}) after ${Math.round(elapsedSec)}s: stopping the run`,
    );
    this.#host.end(THRESHOLD_ABORT_REASON);
  }
}

/** "all requests are failing: …" / "95% of requests are failing: …" when ≥ 90% failed; else null. */
export function earlyFailureWarning(rate: {
  requests: number;
  failures: number;
  topError: string | null;
}): string | null {
  if (rate.requests === 0 || rate.failures / rate.requests < EARLY_FAIL_RATIO) return null;
  const share =
    rate.failures === rate.requests
      ? 'all requests'
      : `${Math.floor((100 * rate.failures) / rate.requests)}% of requests`;
  return `${share} are failing${rate.topError ? `: ${rate.topError}` : ''}`;
}
