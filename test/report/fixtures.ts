import type { EndpointSummary, RunSummary, StatsSnapshot } from '../../src/metrics/summary.ts';

/** Percentile records keyed as REPORTED_PERCENTILES, from 11 values in order 50 … 100. */
export function percentiles(values: readonly number[]): Record<string, number> {
  const keys = ['50', '66', '75', '80', '90', '95', '98', '99', '99.9', '99.99', '100'];
  if (values.length !== keys.length) throw new Error(`need ${keys.length} percentile values`);
  return Object.fromEntries(keys.map((key, i) => [key, values[i] ?? 0]));
}

export function endpoint(
  overrides: Partial<EndpointSummary> & Pick<EndpointSummary, 'name'>,
): EndpointSummary {
  return {
    method: 'GET',
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
    ...overrides,
  };
}

/** Two endpoints (given in reverse order, to check sorting), one failure, one exception, two thresholds. */
export function smallSummary(): RunSummary {
  const students = endpoint({
    method: 'GET',
    name: '/students',
    requests: 120,
    failures: 0,
    minMs: 0.412,
    maxMs: 187.25,
    avgMs: 12.3456,
    medianMs: 9.8764,
    avgContentBytes: 512.5,
    rps: 12,
    failuresPerSec: 0,
    currentRps: 11.5,
    currentFailuresPerSec: 0,
    percentiles: percentiles([9.8764, 11, 12, 13, 20.5, 40, 90, 120, 187.25, 187.25, 187.25]),
    currentPercentiles: percentiles([9, 10, 11, 12, 19, 38, 80, 110, 150, 150, 150]),
  });
  const login = endpoint({
    method: 'POST',
    name: '/login',
    requests: 10,
    failures: 1,
    minMs: 100.4,
    maxMs: 1500.6,
    avgMs: 250.25,
    medianMs: 200.123,
    avgContentBytes: 48,
    rps: 1,
    failuresPerSec: 0.1,
    currentRps: 0.9,
    currentFailuresPerSec: 0.1,
    percentiles: percentiles([200.123, 210, 220, 230, 300, 1500.6, 1500.6, 1500.6, 1500.6, 1500.6, 1500.6]),
    currentPercentiles: percentiles([190, 200, 210, 220, 290, 1400, 1400, 1400, 1400, 1400, 1400]),
  });
  const aggregated = endpoint({
    method: '',
    name: 'Aggregated',
    requests: 130,
    failures: 1,
    minMs: 0.412,
    maxMs: 1500.6,
    avgMs: 30.6,
    medianMs: 10.05,
    avgContentBytes: 476.6,
    rps: 13,
    failuresPerSec: 0.1,
    currentRps: 12.4,
    currentFailuresPerSec: 0.1,
    percentiles: percentiles([10.05, 11.5, 12.5, 14, 25, 100, 200.123, 220, 1500.6, 1500.6, 1500.6]),
    currentPercentiles: percentiles([9.5, 10.5, 11.5, 13, 22, 95, 190, 210, 1400, 1400, 1400]),
  });
  return {
    schemaVersion: 1,
    meta: {
      volleyVersion: '0.1.0',
      scenario: 'examples/students.ts',
      host: 'http://localhost:8080',
      command: 'volley run examples/students.ts -u 10 -t 10s',
      startedAt: '2025-01-02T03:04:05.000Z',
      endedAt: '2025-01-02T03:04:15.000Z',
      durationSec: 10,
      peakUsers: 10,
      seed: 42,
      stopReason: 'run-time',
    },
    endpoints: [students, login],
    aggregated,
    failures: [{ method: 'POST', name: '/login', error: 'HTTP 500', occurrences: 1 }],
    exceptions: [],
    checks: [],
    thresholds: [
      {
        expression: 'GET /students: p95<500',
        scope: 'GET /students',
        metric: 'p95',
        op: '<',
        target: 500,
        actual: 40,
        passed: true,
      },
      {
        expression: 'fail_ratio<0.001',
        scope: null,
        metric: 'fail_ratio',
        op: '<',
        target: 0.001,
        actual: 1 / 130,
        passed: false,
      },
    ],
    passed: false,
    exitCode: 1,
  };
}

/** A live snapshot with the same endpoints as smallSummary(). */
export function smallSnapshot(timestampMs = 1_735_787_050_900, users = 10): StatsSnapshot {
  const summary = smallSummary();
  return {
    timestamp: timestampMs,
    users,
    elapsedSec: 5,
    endpoints: summary.endpoints,
    aggregated: summary.aggregated,
    failures: summary.failures,
    exceptions: summary.exceptions,
    checks: summary.checks,
  };
}
