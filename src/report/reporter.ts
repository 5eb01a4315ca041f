import type { RunSummary, StatsSnapshot } from '../metrics/summary.ts';

/** What a reporter knows when a run starts. */
export interface RunStartInfo {
  scenario: string;
  host: string;
  /** Planned duration in seconds, or null when bounded by iterations or unbounded. */
  plannedDurationSec: number | null;
  users: number;
  startedAt: Date;
}

/**
 * One interface, many reporters (console, CSV, JSON, HTML, JUnit…). Every hook is optional.
 * The engine awaits each hook; a reporter that throws is reported once and the run goes on.
 */
export interface Reporter {
  readonly name: string;
  onStart?(info: RunStartInfo): void | Promise<void>;
  /** About once a second while the run goes on. */
  onSnapshot?(snapshot: StatsSnapshot): void | Promise<void>;
  /** Once, with the final numbers. Files must be written atomically here. */
  onEnd?(summary: RunSummary): void | Promise<void>;
}
