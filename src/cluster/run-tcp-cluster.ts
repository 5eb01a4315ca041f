import { OptionError } from '../engine/option-error.ts';
import type { RunPlan } from '../engine/run-plan.ts';
import type { RunSummary } from '../metrics/summary.ts';
import type { VolleyOptions } from '../script/options.ts';
import { runCoordinator } from './coordinator.ts';
import { parseHostPort } from './socket-link.ts';
import { acceptWorkers } from './tcp-workers.ts';

export interface TcpClusterOptions {
  /** "host:port" to listen on (port 0: any free port, told through onListening). */
  master: string;
  expectWorkers: number;
  /** Called with "host:port" once listening, for the user to start workers. */
  onListening?: (address: string) => void;
  /** How long to wait for every worker to connect. Default 5 minutes. */
  connectTimeoutMs?: number;
}

/**
 * `volley run … --master HOST:PORT --expect-workers N`: waits for N workers to connect, then runs the plan
 * in them exactly as `--processes N` would. Workers open the scenario path this coordinator sends (the
 * same file must exist there) unless started with their own `-f FILE`.
 */
export async function runTcpCluster(
  plan: RunPlan,
  settings: VolleyOptions,
  options: TcpClusterOptions,
): Promise<RunSummary> {
  const address = parseHostPort(options.master, true);
  if (!address) throw new OptionError(`--master: expected HOST:PORT, got "${options.master}"`);
  if (!Number.isInteger(options.expectWorkers) || options.expectWorkers < 1) {
    throw new OptionError(`--expect-workers: expected a whole number ≥ 1, got ${options.expectWorkers}`);
  }
  const links = await acceptWorkers({
    ...address,
    expectWorkers: options.expectWorkers,
    ...(options.connectTimeoutMs !== undefined ? { timeoutMs: options.connectTimeoutMs } : {}),
    ...(plan.signal ? { signal: plan.signal } : {}),
    onListening: (port) =>
      options.onListening?.(`${address.host.includes(':') ? `[${address.host}]` : address.host}:${port}`),
  });
  return runCoordinator({ plan, settings, links });
}
