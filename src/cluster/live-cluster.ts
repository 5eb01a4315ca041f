/**
 * Distributed runs the web UI starts and steers: `--processes N` (workers forked here) and `--master`
 * (workers connecting over TCP). Each Start makes a fresh cluster; the handles work from the first moment,
 * before the workers are ready (a Stop then ends the run without load).
 */
import type { RunPlan } from '../engine/run-plan.ts';
import type { RunSummary } from '../metrics/summary.ts';
import type { VolleyOptions } from '../script/options.ts';
import { ClusterError } from './cluster-error.ts';
import { type CoordinatorRun, startCoordinator } from './coordinator.ts';
import { forkLocalWorkers, type LocalWorkerOptions } from './local-workers.ts';
import { effectiveWorkerCount } from './partition.ts';
import { tcpClusterSettings } from './run-tcp-cluster.ts';
import { bundleScenario } from './scenario-bundle.ts';
import { acceptWorkers } from './tcp-workers.ts';
import type { WorkerRow } from './worker-state.ts';

/** A distributed run as the web UI drives it. */
export interface ClusterRun extends CoordinatorRun {
  /** Always null: the workers do not report users per class. */
  usersByClass(): null;
}

/**
 * `--processes N` from the web UI: N workers even when the form asks for fewer users (those stay idle
 * until an edit raises the users), so the Workers tab and later edits see the same N processes. With
 * --iterations, never more workers than users: a worker without users would never finish its iterations.
 */
export function startLocalCluster(
  plan: RunPlan,
  settings: VolleyOptions,
  processes: number,
  options: LocalWorkerOptions = {},
): ClusterRun {
  const count = plan.iterations !== null ? effectiveWorkerCount(processes, plan) : Math.max(1, processes);
  const workers = forkLocalWorkers(count, options);
  const run = startCoordinator({ plan, settings, links: workers.links });
  // No worker outlives the run.
  const done = run.done.finally(() => workers.exited);
  return { ...run, done, usersByClass: () => null };
}

export interface LiveTcpClusterOptions {
  master: string;
  expectWorkers: number;
  /** Told "host:port" once listening, for the user to start workers. */
  onListening?: (address: string) => void;
  connectTimeoutMs?: number;
}

/**
 * `--master HOST:PORT` from the web UI: each Start listens and waits for the expected workers (a worker runs
 * one run, then exits, so every run needs its workers started again), then runs as --processes would.
 */
export function startTcpCluster(
  plan: RunPlan,
  settings: VolleyOptions,
  options: LiveTcpClusterOptions,
): ClusterRun {
  // The same checks as a headless --master (address, token beyond loopback, timeouts), before listening.
  const { address, token, timeoutMs, heartbeatTimeoutMs } = tcpClusterSettings(settings, options);
  const waiting = new AbortController();
  let run: CoordinatorRun | null = null;
  const connected: string[] = [];
  const done: Promise<RunSummary> = bundleScenario(plan.scenario).then(async (bundle) => {
    const accepted = await acceptWorkers({
      ...address,
      expectWorkers: options.expectWorkers,
      token,
      ...(options.connectTimeoutMs !== undefined
        ? { timeoutMs: options.connectTimeoutMs }
        : timeoutMs !== undefined
          ? { timeoutMs }
          : {}),
      ...(heartbeatTimeoutMs !== undefined ? { heartbeatTimeoutMs } : {}),
      signal: waiting.signal,
      onListening: (port) =>
        options.onListening?.(`${address.host.includes(':') ? `[${address.host}]` : address.host}:${port}`),
      onWorker: (label) => connected.push(label),
    });
    try {
      run = startCoordinator({ plan, settings, links: accepted.links, bundle });
      return await run.done;
    } finally {
      accepted.close();
    }
  });
  const connectedRun = (): CoordinatorRun => {
    if (run) return run;
    throw new ClusterError(
      `${connected.length} of ${options.expectWorkers} workers connected: change the load once the run has started`,
    );
  };
  const waitingRows = (): WorkerRow[] =>
    Array.from({ length: options.expectWorkers }, (_, i) => ({
      index: i + 1,
      host: connected[i] ?? '–',
      state: 'connecting',
      users: 0,
      rps: 0,
      cpuPercent: null,
    }));
  return {
    done,
    workers: () => (run ? run.workers() : waitingRows()),
    setUsers: (users, spawnRate) => connectedRun().setUsers(users, spawnRate),
    setArrivalRate: (rate) => connectedRun().setArrivalRate(rate),
    resetStats: () => run?.resetStats(),
    stop: () => (run ? run.stop() : waiting.abort()),
    usersByClass: () => null,
  };
}
