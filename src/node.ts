/**
 * volley's Node API: what the CLI calls, for tests and tools that drive runs themselves
 * (`import { loadScenario, resolveRunPlan, runLoadTest } from 'volley/node'`).
 */
export { type DemoServer, type DemoServerOptions, startDemoServer } from './demo/server.ts';
export { parseDuration } from './engine/duration.ts';
export { OptionError } from './engine/option-error.ts';
export { type PlanExtras, parseHost, resolveRunPlan } from './engine/resolve-plan.ts';
export { runLoadTest } from './engine/run.ts';
export type { LogLevel, RunLogger, RunPlan, RunRecorder } from './engine/run-plan.ts';
export { type LoadedScenario, loadScenario, ScenarioLoadError } from './engine/scenario-loader.ts';
export { RunStats } from './metrics/run-stats.ts';
export type { SampleSink } from './metrics/sink.ts';
export type * from './metrics/summary.ts';
export { parseThreshold, type Threshold, ThresholdSyntaxError } from './metrics/thresholds.ts';
export { readCassette, readHar, writeHar } from './record/cassette.ts';
export type { CapturedValue, Har, HarEntry, HarLog, VolleySection } from './record/har.ts';
export { type Har2TsOptions, harToScenario } from './record/har2ts.ts';
export { RecordingError } from './record/recording-error.ts';
export type { Divergence, RecordingSummary, RecordMode } from './record/recording-summary.ts';
export {
  DEFAULT_REDACTED_HEADERS,
  DEFAULT_REDACTED_JSON_PATHS,
  type RedactionRules,
  Redactor,
} from './record/redaction.ts';
export { createRecorder, prepareRecording, type RecordingSetup } from './record/run-options.ts';
export { RecordingSession, type RecordingSessionOptions } from './record/session.ts';
export {
  formatVerifyTable,
  type VerifyOptions,
  type VerifyPhase,
  type VerifyResult,
  verifyScenario,
} from './record/verify.ts';
export { ConsoleReporter } from './report/console.ts';
export { CsvReporter } from './report/csv-reporter.ts';
export { JsonReporter } from './report/json.ts';
export type { Reporter, RunStartInfo } from './report/reporter.ts';
