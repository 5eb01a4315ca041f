import { parseDuration } from '../engine/duration.ts';
import { OptionError } from '../engine/option-error.ts';
import type { RunPlan } from '../engine/run-plan.ts';
import type { RunSummary } from '../metrics/summary.ts';
import type { VolleyOptions } from '../script/options.ts';
import { listensBeyondLoopback } from './cluster-auth.ts';
import { runCoordinator } from './coordinator.ts';
import { bundleScenario } from './scenario-bundle.ts';
import { parseHostPort } from './socket-link.ts';
import { acceptWorkers } from './tcp-workers.ts';

export interface TcpClusterOptions {
  /** "host:port" to listen on (port 0: any free port, told through onListening). */
  master: string;
  expectWorkers: number;
  /** Called with "host:port" once listening, for the user to start workers. */
  onListening?: (address: string) => void;
}

export interface TcpClusterSettings {
  address: { host: string; port: number };
  token: string;
  timeoutMs: number | undefined;
  heartbeatTimeoutMs: number | undefined;
}

/** The coordinator's own settings, checked (an OptionError says what to fix): before anything listens. */
export function tcpClusterSettings(
  settings: VolleyOptions,
  options: Pick<TcpClusterOptions, 'master' | 'expectWorkers'>,
): TcpClusterSettings {
  const address = parseHostPort(options.master, true);
  if (!address) throw new OptionError(`--master: expected HOST:PORT, got "${options.master}"`);
  if (!Number.isInteger(options.expectWorkers) || options.expectWorkers < 1) {
    throw new OptionError(`--expect-workers: expected a whole number ≥ 1, got ${options.expectWorkers}`);
  }
  const token = settings.clusterToken ?? '';
  if (token === '' && listensBeyondLoopback(address.host)) {
    throw new OptionError(
      `--master ${options.master} listens beyond loopback: set a cluster token (VOLLEY_CLUSTER_TOKEN, or --cluster-token), the same on every worker`,
    );
  }
  const timeoutMs =
    settings.waitForWorkers !== undefined
      ? parseDuration(settings.waitForWorkers, '--wait-for-workers') * 1000
      : undefined;
  const heartbeatTimeoutMs =
    settings.heartbeatTimeout !== undefined
      ? parseDuration(settings.heartbeatTimeout, '--heartbeat-timeout') * 1000
      : undefined;
  if (heartbeatTimeoutMs !== undefined && heartbeatTimeoutMs < 1000) {
    throw new OptionError('--heartbeat-timeout: at least 1s (heartbeats go out every 2 s at most)');
  }
  return { address, token, timeoutMs, heartbeatTimeoutMs };
}

/**
 * `volley run … --master HOST:PORT --expect-workers N`: waits for N workers to connect and prove the
 * cluster token, then runs the plan in them exactly as `--processes N` would. Workers run the scenario
 * this coordinator compiled and sends them (one module: they need no copy of the files), unless started
 * with their own `-f FILE`.
 */
export async function runTcpCluster(
  plan: RunPlan,
  settings: VolleyOptions,
  options: TcpClusterOptions,
): Promise<RunSummary> {
  const { address, token, timeoutMs, heartbeatTimeoutMs } = tcpClusterSettings(settings, options);
  const bundle = await bundleScenario(plan.scenario);
  const log = plan.log;
  const accepted = await acceptWorkers({
    ...address,
    expectWorkers: options.expectWorkers,
    token,
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    ...(heartbeatTimeoutMs !== undefined ? { heartbeatTimeoutMs } : {}),
    ...(plan.signal ? { signal: plan.signal } : {}),
    onListening: (port) =>
      options.onListening?.(`${address.host.includes(':') ? `[${address.host}]` : address.host}:${port}`),
    onWorker: (label, connected) =>
      log?.('info', `${label} joined (${connected} of ${options.expectWorkers})`),
    onRefused: (who, reason) => log?.('warn', `refused ${who}: ${reason}`),
  });
  try {
    return await runCoordinator({
      plan,
      settings,
      links: accepted.links,
      bundle,
    });
  } finally {
    accepted.close();
  }
}
