import type { RunSummary, StatsSnapshot } from '../metrics/summary.ts';
import { renderChecksCsv } from '../report/render/checks-csv.ts';
import { renderExceptionsCsv } from '../report/render/exceptions-csv.ts';
import { renderFailuresCsv } from '../report/render/failures-csv.ts';
import { renderStatsCsv } from '../report/render/stats-csv.ts';
import { renderJsonSummary } from '../report/reporters/json.ts';
import { VOLLEY_VERSION } from '../version.ts';
import type { RunParams } from './live-run.ts';
import type { RunSession } from './run-session.ts';

/**
 * The HTML report of one run: fed every live snapshot (for its charts), rendered on download. Pluggable,
 * so the UI serves whatever HTML report volley has, without depending on how it is built.
 */
export interface HtmlReportBuilder {
  add(snapshot: StatsSnapshot): void;
  render(summary: RunSummary): string | Promise<string>;
}

/** Makes a fresh builder for each run. */
export type HtmlReportFactory = () => HtmlReportBuilder;

export interface Download {
  filename: string;
  contentType: string;
  body: string;
}

/** What a download request gives when the file cannot be made. */
export class DownloadUnavailableError extends Error {
  override name = 'DownloadUnavailableError';
  readonly status: number;
  constructor(message: string, status: number) {
    super(message);
    this.status = status;
  }
}

const CSV = 'text/csv; charset=utf-8';

/** The files the Downloads tab offers, by URL name. */
export const DOWNLOAD_NAMES = [
  'stats.csv',
  'stats_history.csv',
  'failures.csv',
  'exceptions.csv',
  'checks.csv',
  'summary.json',
  'report.html',
] as const;
export type DownloadName = (typeof DOWNLOAD_NAMES)[number];

export function isDownloadName(name: string): name is DownloadName {
  return (DOWNLOAD_NAMES as readonly string[]).includes(name);
}

/**
 * One download, rendered by the same writers as the report files: the final summary once a run ended,
 * the numbers so far while it runs (as Locust's UI does).
 */
export async function renderDownload(
  name: DownloadName,
  session: RunSession,
  htmlReport: HtmlReportBuilder | undefined,
): Promise<Download> {
  const file = (suffix: string) => `volley_${suffix}`;
  if (name === 'stats_history.csv') {
    return { filename: file('stats_history.csv'), contentType: CSV, body: session.historyCsv() };
  }
  const summary = session.summary ?? summaryFromSnapshot(session.snapshot, session.view().params);
  switch (name) {
    case 'stats.csv':
      return { filename: file('stats.csv'), contentType: CSV, body: renderStatsCsv(summary) };
    case 'failures.csv':
      return { filename: file('failures.csv'), contentType: CSV, body: renderFailuresCsv(summary) };
    case 'exceptions.csv':
      return { filename: file('exceptions.csv'), contentType: CSV, body: renderExceptionsCsv(summary) };
    case 'checks.csv':
      return { filename: file('checks.csv'), contentType: CSV, body: renderChecksCsv(summary) };
    case 'summary.json':
      return {
        filename: file('summary.json'),
        contentType: 'application/json; charset=utf-8',
        body: renderJsonSummary(summary),
      };
    case 'report.html':
      if (!htmlReport) {
        throw new DownloadUnavailableError('the HTML report is not available in this build of volley', 501);
      }
      return {
        filename: file('report.html'),
        contentType: 'text/html; charset=utf-8',
        body: await htmlReport.render(summary),
      };
  }
}

const EMPTY_ENDPOINT = {
  method: '',
  name: 'Aggregated',
  requests: 0,
  failures: 0,
  minMs: 0,
  maxMs: 0,
  avgMs: 0,
  medianMs: 0,
  avgContentBytes: 0,
  rps: 0,
  failuresPerSec: 0,
  currentRps: 0,
  currentFailuresPerSec: 0,
  percentiles: {},
  currentPercentiles: {},
};

/**
 * A summary of the numbers so far, for downloads while a run goes on: stop reason "running" and not
 * passed (the HTML report shows "Running").
 */
export function summaryFromSnapshot(snapshot: StatsSnapshot | null, params: RunParams): RunSummary {
  const now = snapshot?.timestamp ?? Date.now();
  const elapsed = snapshot?.elapsedSec ?? 0;
  return {
    schemaVersion: 1,
    meta: {
      volleyVersion: VOLLEY_VERSION,
      scenario: '',
      host: params.host,
      command: '',
      startedAt: new Date(now - elapsed * 1000).toISOString(),
      endedAt: new Date(now).toISOString(),
      durationSec: elapsed,
      peakUsers: snapshot?.users ?? 0,
      seed: null,
      stopReason: 'running',
    },
    endpoints: snapshot?.endpoints ?? [],
    aggregated: snapshot?.aggregated ?? EMPTY_ENDPOINT,
    failures: snapshot?.failures ?? [],
    exceptions: snapshot?.exceptions ?? [],
    checks: snapshot?.checks ?? [],
    thresholds: [],
    // No verdict before the end: a script reading `passed` must not take a partial run for a passed one.
    passed: false,
    exitCode: 0,
  };
}
