import type { StatsSnapshot } from '../../metrics/summary.ts';
import { visibleControls } from '../../terminal-text.ts';
import { clock } from './live-dashboard.ts';
import { formatMsForConsole } from './number-format.ts';

/**
 * One line of progress for logs (stdout not a terminal): elapsed / planned time, users, and the last
 * 10 s's rate, median and p95, with the run's failures and requests so far. Ends with a newline.
 */
export function renderProgressLine(snapshot: StatsSnapshot, plannedDurationSec: number | null): string {
  const a = snapshot.aggregated;
  const time =
    plannedDurationSec !== null && plannedDurationSec > 0
      ? `${clock(Math.min(snapshot.elapsedSec, plannedDurationSec))} / ${clock(plannedDurationSec)}`
      : clock(snapshot.elapsedSec);
  const failed = a.requests > 0 ? ((a.failures / a.requests) * 100).toFixed(2) : '0.00';
  const arrivals = snapshot.arrivals
    ? `   arrivals/s ${snapshot.arrivals.rate.toFixed(1)}   dropped ${snapshot.arrivals.dropped}`
    : '';
  const p50 = formatMsForConsole(a.currentPercentiles['50'] ?? 0);
  const p95 = formatMsForConsole(a.currentPercentiles['95'] ?? 0);
  const line = `volley ${time}   users ${snapshot.users}   req/s ${a.currentRps.toFixed(1)}   p50 ${p50} ms   p95 ${p95} ms   failures ${a.failures} (${failed}%)   requests ${a.requests}${arrivals}`;
  return `${visibleControls(line)}\n`;
}
