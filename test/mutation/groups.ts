/**
 * The modules whose bugs would make volley's numbers lie, in groups that `npm run mutate` runs one at a
 * time: each group mutates its source files and runs only the test files that judge them, so a group's
 * run takes minutes, not the whole suite per mutant.
 */
export interface MutationGroup {
  /** Source files Stryker mutates. */
  mutate: string[];
  /** Test files run against each mutant (only those whose coverage reaches it). */
  tests: string[];
}

export const mutationGroups: Record<string, MutationGroup> = {
  metrics: {
    mutate: [
      'src/metrics/histogram.ts',
      'src/metrics/histogram-buckets.ts',
      'src/metrics/run-stats.ts',
      'src/metrics/endpoint-stats.ts',
      'src/metrics/thresholds.ts',
      'src/metrics/threshold-evaluation.ts',
      'src/metrics/summary.ts',
      'src/metrics/endpoint-summary.ts',
    ],
    tests: [
      'test/metrics/histogram.test.ts',
      'test/metrics/histogram-buckets.test.ts',
      'test/metrics/histogram-encoding.test.ts',
      'test/metrics/summary-histograms.test.ts',
      'test/metrics/percentiles.test.ts',
      'test/metrics/run-stats.test.ts',
      'test/metrics/merge.test.ts',
      'test/metrics/threshold-evaluation.test.ts',
      'test/metrics/threshold-parsing.test.ts',
    ],
  },
  report: {
    mutate: [
      'src/report/reporters/csv-reporter.ts',
      'src/report/reporters/json.ts',
      'src/report/render/csv-row.ts',
      'src/report/render/stats-csv.ts',
      'src/report/render/history-csv.ts',
      'src/report/render/failures-csv.ts',
      'src/report/render/exceptions-csv.ts',
      'src/report/render/checks-csv.ts',
      'src/report/render/load-model-csv.ts',
    ],
    tests: [
      'test/report/csv-files.test.ts',
      'test/report/render/history-csv.test.ts',
      'test/report/render/load-model-csv.test.ts',
      'test/report/reporters/csv-reporter.test.ts',
      'test/report/reporters/json.test.ts',
      'test/report/reporter-contract.test.ts',
    ],
  },
  engine: {
    mutate: [
      'src/engine/arrival-schedule.ts',
      'src/engine/user-sink.ts',
      'src/engine/backlog-limit.ts',
      'src/cluster/partition.ts',
    ],
    tests: [
      'test/engine/arrival-schedule.test.ts',
      'test/engine/load-options.test.ts',
      'test/engine/user-sink.test.ts',
      'test/engine/backlog-limit.test.ts',
      'test/cluster/partition.test.ts',
    ],
  },
  http: {
    mutate: ['src/http/response-parser.ts', 'src/http/status.ts', 'src/http/outcome.ts'],
    tests: ['test/http/response-parser.test.ts', 'test/http/status.test.ts', 'test/http/outcome.test.ts'],
  },
  // Apart from the parser: its tests open connections, and every parser mutant would run them too.
  pool: {
    mutate: ['src/http/plain-pool.ts'],
    tests: [
      'test/http/plain-pool.test.ts',
      'test/http/plain-pool-connections.test.ts',
      'test/http/plain-pool-routes.test.ts',
    ],
  },
  record: {
    mutate: [
      'src/record/divergence.ts',
      'src/record/redaction.ts',
      'src/record/redact-entries.ts',
      'src/record/replayer.ts',
    ],
    tests: [
      'test/record/divergence.test.ts',
      'test/record/replayer.test.ts',
      'test/record/redaction.test.ts',
      'test/record/redact-entries.test.ts',
      // The redactor's parts that the capture writer and the trace recorder use.
      'test/record/capture-writer.test.ts',
      'test/trace/line-redactor.test.ts',
    ],
  },
  trace: {
    mutate: ['src/trace/call-matcher.ts'],
    tests: ['test/trace/call-matcher.test.ts'],
  },
};
