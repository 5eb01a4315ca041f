/**
 * A worker: loads the scenario itself, runs its share of the run with the ordinary engine, and streams
 * what it records to the coordinator. Knows nothing of how it is connected (see Link): the same code runs
 * in a forked child and, later, in `volley worker --master host:port` on another machine.
 */
import { hostname } from 'node:os';
import { resolveRunPlan } from '../engine/resolve-plan.ts';
import { type LoadTestRun, startLoadTest } from '../engine/run.ts';
import { loadScenario } from '../engine/scenario-loader.ts';
import { RunStats } from '../metrics/run-stats.ts';
import type { Reporter } from '../report/reporter.ts';
import { VOLLEY_VERSION } from '../version.ts';
import { coordinatorProof, newNonce, proofsEqual, workerProof } from './cluster-auth.ts';
import type { Link } from './link.ts';
import { partitionPlan } from './partition.ts';
import {
  type AssignMessage,
  CLUSTER_PROTOCOL_VERSION,
  type CoordinatorMessage,
  type SetLoadMessage,
  type WorkerMessage,
} from './protocol.ts';
import { loadBundledScenario } from './scenario-bundle.ts';
import { cpuMeter, type SteerablePlan, steerablePlan } from './worker-load.ts';

export interface WorkerOptions {
  /** Replaces the scenario path the coordinator sends (a worker on another machine has its own copy). */
  scenario?: string;
  cwd?: string;
  /**
   * Aborting it stops this worker's users as the coordinator's stop would (SIGTERM in a container); the
   * abort reason (the signal's name) tells the coordinator that this worker left before the run ended.
   */
  signal?: AbortSignal;
  /** The share to ask for (`--index`, JOB_COMPLETION_INDEX); default: any free one. */
  index?: number;
  /** The cluster token the coordinator must prove ('' or absent: none). */
  token?: string;
  /** Connected over the network: never open a scenario path the coordinator names. */
  remote?: boolean;
}

function failNoScenario(): never {
  throw new Error('the coordinator sent no compiled scenario: give this worker its own with -f FILE');
}

/** How a worker's part ended: `ok` only when it ran to the end of the run and reported it all. */
export type WorkerOutcome = { ok: true } | { ok: false; reason: string };

/** Runs one assignment to the end. Resolves once `done` (or `error`) has been sent; never rejects. */
export async function runWorker(
  link: Link<WorkerMessage, CoordinatorMessage>,
  options: WorkerOptions = {},
): Promise<WorkerOutcome> {
  const stop = new AbortController();
  let failure: string | null = null;
  let reported = false;
  const nonce = newNonce();
  const token = options.token ?? '';
  let started: () => void = () => {};
  const startSignal = new Promise<void>((resolve) => {
    started = resolve;
  });
  let assigned: (message: AssignMessage | null) => void = () => {};
  const assignment = new Promise<AssignMessage | null>((resolve) => {
    assigned = resolve;
    link.onClose(() => resolve(null));
  });
  const leave = (reason: string) => {
    failure ??= reason;
    stop.abort();
    started();
    assigned(null);
    link.close();
  };
  // The web UI's edits, applied once the run is going (see worker-load.ts).
  let steering: { plan: SteerablePlan; run: LoadTestRun } | null = null;
  let pendingLoad: SetLoadMessage | null = null;
  link.onMessage((message) => {
    if (message.type === 'challenge') {
      // The coordinator proves the token first: a worker never runs load for one that cannot.
      if (!proofsEqual(coordinatorProof(token, nonce, message.nonce), message.proof)) {
        const reason =
          'the coordinator could not prove the cluster token (wrong or missing --cluster-token / VOLLEY_CLUSTER_TOKEN on one side)';
        void link.send({ type: 'error', message: reason });
        leave(reason);
      } else void link.send({ type: 'auth', proof: workerProof(token, message.nonce, nonce) });
    } else if (message.type === 'refuse') leave(`the coordinator refused this worker: ${message.reason}`);
    else if (message.type === 'set-load') {
      if (steering) steering.plan.apply(steering.run, message);
      else pendingLoad = message; // sent right after the start, which this worker is still acting on
    } else if (message.type === 'assign') assigned(message);
    else if (message.type === 'start') started();
    else if (message.type === 'stop') {
      stop.abort();
      started(); // stopped before it started: run nothing, report nothing
    }
  });
  options.signal?.addEventListener('abort', () => stop.abort(), { once: true });
  // Without a coordinator there is nobody to report to: stop at once, and say the run did not end well.
  link.onClose((reason) => {
    if (!reported) failure ??= `lost the coordinator (${reason})`;
    stop.abort();
    started();
  });
  await link.send({
    type: 'hello',
    protocol: CLUSTER_PROTOCOL_VERSION,
    volleyVersion: VOLLEY_VERSION,
    worker: `${hostname()}:${process.pid}`,
    index: options.index ?? null,
    nonce,
  });

  const assign = await assignment;
  if (!assign) return { ok: false, reason: failure ?? 'the coordinator closed the connection' };
  const send = async (message: WorkerMessage) => {
    if (message.type === 'done' || message.type === 'error') reported = true;
    await link.send(message);
  };
  try {
    if (assign.protocol !== CLUSTER_PROTOCOL_VERSION) {
      throw new Error(
        `protocol ${assign.protocol} is not this worker's ${CLUSTER_PROTOCOL_VERSION} (volley ${VOLLEY_VERSION})`,
      );
    }
    // Its own file if given (-f); else the coordinator's compiled module; a path only from a local parent.
    const scenario =
      options.scenario !== undefined
        ? await loadScenario(options.scenario, options.cwd)
        : assign.bundle !== undefined
          ? await loadBundledScenario(assign.bundle)
          : options.remote
            ? failNoScenario()
            : await loadScenario(assign.scenario, options.cwd);
    const stats = new RunStats();
    const cpu = cpuMeter();
    // Each snapshot the engine takes (about once a second) sends what was recorded since the previous one.
    const relay: Reporter = {
      name: 'coordinator',
      onSnapshot: (snapshot) => {
        const delta = stats.serialize();
        stats.reset();
        const arrivals = snapshot.arrivals ? { arrivals: snapshot.arrivals } : {};
        void link.send({
          type: 'stats',
          stats: delta,
          users: snapshot.users,
          ...arrivals,
          cpuPercent: cpu(),
        });
      },
    };
    const resolved = resolveRunPlan(assign.settings, scenario, {
      reporters: [relay],
      signal: stop.signal,
      log: (level, message) => void link.send({ type: 'log', level, message }),
    });
    const openStats =
      resolved.loadModel === 'open' ? { uncorrected: new RunStats(), iterations: new RunStats() } : null;
    const steerable = steerablePlan({
      ...partitionPlan(resolved, assign.workerIndex, assign.workerCount),
      stats,
      ...(openStats ? { openStats } : {}),
    });
    const plan = steerable.plan;
    await link.send({ type: 'ready', users: plan.users });
    await startSignal;
    if (stop.signal.aborted) {
      if (failure === null) {
        await send({
          type: 'done',
          stats: stats.serialize(),
          peakUsers: 0,
          stopReason: 'signal',
          ...interrupted(),
        });
      }
      return finalOutcome();
    }
    const run = startLoadTest(plan);
    steering = { plan: steerable, run };
    if (pendingLoad) steerable.apply(run, pendingLoad);
    const summary = await run.done;
    const arrivals = summary.arrivals;
    await send({
      type: 'done',
      stats: stats.serialize(),
      peakUsers: summary.meta.peakUsers,
      stopReason: summary.meta.stopReason,
      ...interrupted(),
      ...(summary.meta.generator ? { generator: summary.meta.generator } : {}),
      ...(arrivals && openStats
        ? {
            open: {
              targetRate: arrivals.targetRate,
              achievedRate: arrivals.achievedRate,
              durationSec: arrivals.durationSec,
              scheduled: arrivals.scheduled,
              launched: arrivals.launched,
              dropped: arrivals.dropped,
              droppedSaturated: arrivals.droppedSaturated,
              maxUsers: arrivals.maxUsers,
              uncorrected: openStats.uncorrected.serialize(),
              iterations: openStats.iterations.serialize(),
            },
          }
        : {}),
    });
    openStats?.uncorrected.dispose();
    openStats?.iterations.dispose();
    return finalOutcome();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const line = message.split('\n')[0] ?? message;
    await send({ type: 'error', message: line });
    return { ok: false, reason: line };
  }

  /** This worker's own signal (not the coordinator's stop) ended its users early. */
  function interrupted(): { interrupted?: string } {
    const reason = options.signal?.aborted ? options.signal.reason : undefined;
    return typeof reason === 'string' ? { interrupted: reason } : {};
  }

  function finalOutcome(): WorkerOutcome {
    if (failure !== null) return { ok: false, reason: failure };
    const own = interrupted().interrupted;
    return own ? { ok: false, reason: `stopped by ${own} before the end of the run` } : { ok: true };
  }
}
