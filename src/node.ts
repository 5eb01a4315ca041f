/**
 * volley's Node API: what the CLI calls, for tests and tools that drive runs themselves
 * (`import { loadScenario, resolveRunPlan, runLoadTest, startLoadTest } from 'volley/node'`).
 */
export { ClusterError } from './cluster/cluster-error.ts';
export { type CoordinatorOptions, runCoordinator, type WorkerLink } from './cluster/coordinator.ts';
export type { Link } from './cluster/link.ts';
export { partitionPlan, shareOf } from './cluster/partition.ts';
export type { CoordinatorMessage, WorkerMessage } from './cluster/protocol.ts';
export { runLocalCluster } from './cluster/run-local-cluster.ts';
export { runTcpCluster, type TcpClusterOptions } from './cluster/run-tcp-cluster.ts';
export { connectToCoordinator } from './cluster/tcp-workers.ts';
export { runWorker, type WorkerOptions } from './cluster/worker.ts';
export { type DemoServer, type DemoServerOptions, startDemoServer } from './demo/server.ts';
export { parseDuration } from './engine/duration.ts';
export { PROFILE_NAMES, PROFILES } from './engine/load-profiles.ts';
export { type ParsedStages, parseRate, parseStages, type Stage } from './engine/load-stages.ts';
export { OptionError } from './engine/option-error.ts';
export { type PlanExtras, parseHost, resolveRunPlan } from './engine/resolve-plan.ts';
export { type LoadTestRun, runLoadTest, startLoadTest } from './engine/run.ts';
export type {
  CapacitySearchPlan,
  PartitionUser,
  RunPartition,
  RunPlan,
  RunRecorder,
} from './engine/run-plan.ts';
export { type LoadedScenario, loadScenario, ScenarioLoadError } from './engine/scenario-loader.ts';
export { VolleyError } from './errors.ts';
export type { LogLevel, RunLogger } from './log.ts';
export type { Divergence, RecordingSummary, RecordMode } from './metrics/recording-summary.ts';
export { RunStats } from './metrics/run-stats.ts';
export type { SampleSink } from './metrics/sink.ts';
export type * from './metrics/summary.ts';
export { parseThreshold, type Threshold, ThresholdSyntaxError } from './metrics/thresholds.ts';
export { readCassette, readHar, writeHar } from './record/cassette.ts';
export type { CapturedValue, Har, HarEntry, HarLog, VolleySection } from './record/har.ts';
export { type Har2TsOptions, harToScenario } from './record/har2ts.ts';
export { anonymisePlaceholders, isPlaceholder } from './record/placeholders.ts';
export { RecordingError } from './record/recording-error.ts';
export { defaultRedactionRules, type RedactionRules, Redactor } from './record/redaction.ts';
export { createRecorder, prepareRecording, type RecordingSetup } from './record/run-options.ts';
export {
  DEFAULT_KEPT_NAMES,
  DEFAULT_REDACTED_HEADERS,
  DEFAULT_REDACTED_NAMES,
} from './record/secret-names.ts';
export { RecordingSession, type RecordingSessionOptions } from './record/session.ts';
export {
  formatVerifyTable,
  type VerifyOptions,
  type VerifyPhase,
  type VerifyResult,
  verifyScenario,
} from './record/verify.ts';
export { type GeneratorLoad, renderHtmlReport } from './report/render/html-report.ts';
export { type LiveDashboardOptions, renderLiveDashboard } from './report/render/live-dashboard.ts';
export { RunTimeline, type TimelineData } from './report/render/timeline.ts';
export type { Reporter, RunStartInfo } from './report/reporter.ts';
export { ConsoleReporter } from './report/reporters/console.ts';
export { CsvReporter } from './report/reporters/csv-reporter.ts';
export { HtmlReporter, type HtmlReporterOptions } from './report/reporters/html-reporter.ts';
export { JsonReporter } from './report/reporters/json.ts';
export { JunitReporter, type JunitReporterOptions, renderJunitReport } from './report/reporters/junit.ts';
export {
  DEFAULT_LATENCY_BUCKETS_SEC,
  PrometheusExporter,
  type PrometheusExporterOptions,
} from './report/reporters/prometheus.ts';
export { PrometheusListenError } from './report/reporters/prometheus-listen-error.ts';
export type { LoadShape, ShapeTick, StageOption } from './script/options.ts';
