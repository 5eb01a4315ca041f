/**
 * volley's Node API: what the CLI calls, for tests and tools that drive runs themselves
 * (`import { loadScenario, resolveRunPlan, runLoadTest } from 'volley/node'`).
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
export { OptionError } from './engine/option-error.ts';
export { type PlanExtras, parseHost, resolveRunPlan } from './engine/resolve-plan.ts';
export { runLoadTest } from './engine/run.ts';
export type { LogLevel, PartitionUser, RunLogger, RunPartition, RunPlan } from './engine/run-plan.ts';
export { type LoadedScenario, loadScenario, ScenarioLoadError } from './engine/scenario-loader.ts';
export { RunStats } from './metrics/run-stats.ts';
export type { SampleSink } from './metrics/sink.ts';
export type * from './metrics/summary.ts';
export { parseThreshold, type Threshold, ThresholdSyntaxError } from './metrics/thresholds.ts';
export { ConsoleReporter } from './report/console.ts';
export { CsvReporter } from './report/csv-reporter.ts';
export { JsonReporter } from './report/json.ts';
export type { Reporter, RunStartInfo } from './report/reporter.ts';
