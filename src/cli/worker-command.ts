import type { ParseArgsOptionsConfig } from 'node:util';
import { parseHostPort } from '../cluster/socket-link.ts';
import { connectToCoordinator } from '../cluster/tcp-workers.ts';
import { runWorker } from '../cluster/worker.ts';
import { parseDuration } from '../engine/duration.ts';
import { visibleLines } from '../terminal-text.ts';
import type { CliIo } from './io.ts';
import { parseCliArgs } from './parse-args.ts';
import { onSignal } from './signals.ts';
import { UsageError } from './usage-error.ts';

const OPTIONS: ParseArgsOptionsConfig = {
  master: { type: 'string' },
  scenario: { type: 'string', short: 'f' },
  index: { type: 'string' },
  'connect-timeout': { type: 'string' },
  'heartbeat-timeout': { type: 'string' },
  'cluster-token': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};

export const WORKER_HELP = `Usage: volley worker --master HOST:PORT [--index N] [-f FILE]

Connects to a coordinator started with \`volley run FILE … --master HOST:PORT --expect-workers N\`
(retrying while it is not up), proves the cluster token, runs its share of that run's users, streams its
statistics to the coordinator, and exits when the run ends: 0 when it ran to the end, 1 when it could not
(refused, stopped by a signal, lost the coordinator). The coordinator writes every report.

Options:
      --master HOST:PORT       the coordinator's address  [VOLLEY_MASTER]
      --index N                this worker's share, 0 to N-1 (default: JOB_COMPLETION_INDEX, as a
                               Kubernetes Indexed Job sets it; else any free one)
      --cluster-token SECRET   the coordinator's cluster token  [VOLLEY_CLUSTER_TOKEN]
      --connect-timeout TIME   keep trying to reach the coordinator this long (default 10m)
      --heartbeat-timeout TIME give the coordinator up when not heard from this long (default 10s)
  -f, --scenario FILE          run this scenario file instead of the one the coordinator sends
`;

function seconds(value: unknown, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  try {
    return parseDuration(value as string, flag);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function parseIndex(value: string | undefined, from: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (!/^\d+$/.test(value.trim()))
    throw new UsageError(`${from}: expected a whole number ≥ 0, got "${value}"`);
  return Number(value);
}

/** What `volley worker ARGS` will do, or a UsageError (exit 2) saying what to fix. */
export interface WorkerArgs {
  master: string;
  host: string;
  port: number;
  index: number | undefined;
  scenario: string | undefined;
  token: string;
  connectSec: number;
  heartbeatSec: number;
}

/** Parses `volley worker`'s arguments and environment; null for --help. */
export function parseWorkerArgs(args: readonly string[], env: NodeJS.ProcessEnv): WorkerArgs | null {
  const { values, positionals } = parseCliArgs(args, OPTIONS, 'volley worker');
  if (values.help) return null;
  if (positionals.length > 0)
    throw new UsageError(`unexpected argument ${positionals[0]}; see volley worker --help`);
  const master = (values.master as string | undefined) ?? env.VOLLEY_MASTER;
  if (!master) throw new UsageError('volley worker: --master HOST:PORT is required');
  const address = parseHostPort(master);
  if (!address) throw new UsageError(`--master: expected HOST:PORT, got "${master}"`);
  const heartbeatSec = seconds(values['heartbeat-timeout'], '--heartbeat-timeout', 10);
  if (heartbeatSec < 1) throw new UsageError('--heartbeat-timeout: at least 1s');
  return {
    master,
    ...address,
    index:
      parseIndex(values.index as string | undefined, '--index') ??
      parseIndex(env.JOB_COMPLETION_INDEX, 'JOB_COMPLETION_INDEX'),
    scenario: values.scenario as string | undefined,
    token: (values['cluster-token'] as string | undefined) ?? env.VOLLEY_CLUSTER_TOKEN ?? '',
    connectSec: seconds(values['connect-timeout'], '--connect-timeout', 600),
    heartbeatSec,
  };
}

export async function workerCommand(args: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseWorkerArgs(args, io.env);
  if (!parsed) {
    io.stdout.write(WORKER_HELP);
    return 0;
  }
  const { master, index, scenario, token } = parsed;
  const stop = new AbortController();
  const uninstall = onSignal(io, (signal) => {
    io.stderr.write(`\nvolley worker: ${signal}: stopping this worker's users\n`);
    stop.abort(signal);
  });
  try {
    const link = await connectToCoordinator(parsed.host, parsed.port, {
      timeoutMs: parsed.connectSec * 1000,
      heartbeatTimeoutMs: parsed.heartbeatSec * 1000,
    });
    io.stderr.write(
      `volley worker: connected to ${master}${index !== undefined ? ` as index ${index}` : ''}\n`,
    );
    const outcome = await runWorker(link, {
      ...(scenario ? { scenario } : {}),
      ...(index !== undefined ? { index } : {}),
      cwd: io.cwd,
      signal: stop.signal,
      token,
      remote: true,
    });
    link.close();
    if (!outcome.ok) io.stderr.write(`volley worker: ${visibleLines(outcome.reason)}\n`);
    return outcome.ok ? 0 : 1;
  } finally {
    uninstall();
  }
}
