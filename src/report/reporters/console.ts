import type { RunSummary, StatsSnapshot } from '../../metrics/summary.ts';
import { renderFinalReport } from '../render/final-report.ts';
import { renderLiveDashboard } from '../render/live-dashboard.ts';
import { renderLiveReport } from '../render/live-report.ts';
import { renderProgressLine } from '../render/progress-line.ts';
import { textWidth } from '../render/text-cells.ts';
import type { Reporter, RunStartInfo } from '../reporter.ts';

/** Where the console reporter writes: process.stdout, or anything shaped like it. */
export interface ConsoleOutput {
  write(text: string): unknown;
  /** On a terminal the live table is redrawn in place; elsewhere it is appended as plain lines. */
  isTTY?: boolean;
  /** Terminal width: caps the Name column (long names get unique middle cuts). Read at each print. */
  columns?: number;
}

export interface ConsoleReporterOptions {
  out: ConsoleOutput;
  /** Print every Nth snapshot (snapshots come about once a second). Default 2, Locust's 2 s; 0: only the final report. */
  every?: number;
  /** Also print the last-10-s response time percentiles with each live table. */
  percentiles?: boolean;
  /**
   * On a terminal (`out.isTTY`), draw the compact live dashboard (progress bar, headline figures, top
   * endpoints) every second instead of the periodic table; it is erased before the final report.
   * Elsewhere (CI logs) the periodic tables are printed as before.
   */
  dashboard?: boolean;
  /**
   * Not on a terminal: one compact progress line every this many seconds instead of the periodic tables
   * (which fill a CI log); the full tables come once, at the end. 0 or absent: the tables every `every`.
   */
  progressEverySec?: number;
}

/** "Move up N lines, erase to the end of the screen": how the live table is redrawn on a terminal. */
function eraseLines(count: number): string {
  return count > 0 ? `\x1b[${count}A\r\x1b[0J` : '';
}

/** The live statistics table while the run goes on, then Locust's end-of-run report. */
export class ConsoleReporter implements Reporter {
  readonly name = 'console';
  readonly #out: ConsoleOutput;
  readonly #every: number;
  readonly #percentiles: boolean;
  readonly #dashboard: boolean;
  readonly #progressEverySec: number;
  /** The last progress period printed (elapsed seconds / progressEverySec, floored). */
  #progressPeriod = 0;
  #plannedDurationSec: number | null = null;
  #snapshots = 0;
  /** Terminal rows taken by the last live table, to erase before redrawing it. */
  #liveRows = 0;

  constructor(options: ConsoleReporterOptions) {
    const every = options.every ?? 2;
    if (!Number.isInteger(every) || every < 0) {
      throw new RangeError(`console reporter: every must be a whole number ≥ 0, got ${every}`);
    }
    this.#out = options.out;
    this.#every = every;
    this.#percentiles = options.percentiles ?? false;
    this.#dashboard = options.dashboard === true && options.out.isTTY === true;
    const progress = options.progressEverySec ?? 0;
    if (!(progress >= 0))
      throw new RangeError(`console reporter: progressEverySec must be ≥ 0, got ${progress}`);
    this.#progressEverySec = options.out.isTTY === true ? 0 : progress;
  }

  onStart(info: RunStartInfo): void {
    this.#plannedDurationSec = info.plannedDurationSec;
  }

  onSnapshot(snapshot: StatsSnapshot): void {
    this.#snapshots++;
    if (this.#dashboard) {
      if (this.#every === 0) return;
      const columns = this.#out.columns;
      const block = renderLiveDashboard(snapshot, { plannedDurationSec: this.#plannedDurationSec, columns });
      this.#out.write(eraseLines(this.#liveRows) + block);
      this.#liveRows = terminalRows(block, columns);
      return;
    }
    if (this.#every === 0) return;
    if (this.#progressEverySec > 0) {
      const period = Math.floor(snapshot.elapsedSec / this.#progressEverySec);
      if (period > this.#progressPeriod) {
        this.#progressPeriod = period;
        this.#out.write(renderProgressLine(snapshot, this.#plannedDurationSec));
      }
      return;
    }
    if (this.#snapshots % this.#every !== 0) return;
    const columns = this.#out.columns;
    const text = renderLiveReport(snapshot, { percentiles: this.#percentiles, maxLineWidth: columns });
    // A blank line after each table, as Locust's print_stats does.
    const block = `${text}\n`;
    if (this.#out.isTTY) {
      this.#out.write(eraseLines(this.#liveRows) + block);
      this.#liveRows = terminalRows(block, columns);
    } else {
      this.#out.write(block);
    }
  }

  onEnd(summary: RunSummary): void {
    // The last live table stays above the final report, as with Locust; the dashboard is erased.
    const erase = this.#dashboard ? eraseLines(this.#liveRows) : '';
    this.#liveRows = 0;
    this.#out.write(erase + renderFinalReport(summary, { maxLineWidth: this.#out.columns }));
  }
}

/** Rows `text` (ending with a newline) occupies on a terminal `columns` wide, counting wrapped lines. */
function terminalRows(text: string, columns: number | undefined): number {
  const lines = text.split('\n').slice(0, -1);
  if (!columns || columns <= 0) return lines.length;
  return lines.reduce((rows, line) => rows + Math.max(1, Math.ceil(textWidth(line) / columns)), 0);
}
