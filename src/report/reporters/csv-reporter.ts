import { type FileHandle, mkdir, open } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { RunSummary, StatsSnapshot } from '../../metrics/summary.ts';
import { writeChecksCsv } from '../render/checks-csv.ts';
import { writeExceptionsCsv } from '../render/exceptions-csv.ts';
import { writeFailuresCsv } from '../render/failures-csv.ts';
import { renderHistoryHeader, renderHistoryRows } from '../render/history-csv.ts';
import { writeLoadModelCsv } from '../render/load-model-csv.ts';
import { writeStatsCsv } from '../render/stats-csv.ts';
import { ReportWriteError } from '../report-error.ts';
import type { Reporter } from '../reporter.ts';

export interface CsvReporterOptions {
  /**
   * --csv PREFIX: files are PREFIX_stats.csv, PREFIX_stats_history.csv, PREFIX_failures.csv, PREFIX_exceptions.csv,
   * PREFIX_checks.csv (always, just its header without named checks), and for open-model runs
   * PREFIX_arrivals.csv (and PREFIX_capacity.csv for a capacity search).
   */
  prefix: string;
  /** --csv-full-history: a history row per endpoint, not only the Aggregated one. */
  fullHistory?: boolean;
}

/**
 * Locust-compatible CSV files. The history file grows while the run goes on (header at start, rows per
 * snapshot, each snapshot's rows in one write); the others are written atomically at the end.
 */
export class CsvReporter implements Reporter {
  readonly name = 'csv';
  readonly #prefix: string;
  readonly #fullHistory: boolean;
  #history: FileHandle | undefined;
  /** A late snapshot must not reopen, and so truncate, the finished history file. */
  #ended = false;

  constructor(options: CsvReporterOptions) {
    this.#prefix = options.prefix;
    this.#fullHistory = options.fullHistory ?? false;
  }

  get historyPath(): string {
    return `${this.#prefix}_stats_history.csv`;
  }

  async onStart(): Promise<void> {
    await this.#openHistory();
  }

  async onSnapshot(snapshot: StatsSnapshot): Promise<void> {
    if (this.#ended) return;
    const history = this.#history ?? (await this.#openHistory());
    await this.#append(history, renderHistoryRows(snapshot, this.#fullHistory));
  }

  async onEnd(summary: RunSummary): Promise<void> {
    this.#ended = true;
    try {
      await writeStatsCsv(this.#prefix, summary);
      await writeFailuresCsv(this.#prefix, summary);
      await writeExceptionsCsv(this.#prefix, summary);
      await writeChecksCsv(this.#prefix, summary);
      await writeLoadModelCsv(this.#prefix, summary);
    } finally {
      await this.#closeHistory();
    }
  }

  /** Truncates any history left by an earlier run with the same prefix, as Locust does. */
  async #openHistory(): Promise<FileHandle> {
    const path = this.historyPath;
    let handle: FileHandle;
    try {
      await mkdir(dirname(resolve(path)), { recursive: true });
      handle = await open(path, 'w');
    } catch (error) {
      throw new ReportWriteError(path, error);
    }
    this.#history = handle;
    await this.#append(handle, renderHistoryHeader());
    return handle;
  }

  /** writeFile on a handle loops until every byte is written, so a row is never left half written. */
  async #append(handle: FileHandle, text: string): Promise<void> {
    try {
      await handle.writeFile(text);
    } catch (error) {
      throw new ReportWriteError(this.historyPath, error);
    }
  }

  async #closeHistory(): Promise<void> {
    const handle = this.#history;
    if (!handle) return;
    this.#history = undefined;
    try {
      await handle.sync();
      await handle.close();
    } catch (error) {
      throw new ReportWriteError(this.historyPath, error);
    }
  }
}
