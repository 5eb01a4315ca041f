import type { ParseArgsOptionsConfig } from 'node:util';
import { parseHostPort } from '../cluster/socket-link.ts';
import { connectToCoordinator } from '../cluster/tcp-workers.ts';
import { runWorker } from '../cluster/worker.ts';
import { visibleLines } from '../terminal-text.ts';
import type { CliIo } from './io.ts';
import { parseCliArgs } from './parse-args.ts';
import { onSignal } from './signals.ts';
import { UsageError } from './usage-error.ts';

const OPTIONS: ParseArgsOptionsConfig = {
  master: { type: 'string' },
  scenario: { type: 'string', short: 'f' },
  help: { type: 'boolean', short: 'h' },
};

export const WORKER_HELP = `Usage: volley worker --master HOST:PORT [-f FILE]

Connects to a coordinator started with \`volley run FILE … --master HOST:PORT --expect-workers N\`
(retrying for a minute while it is not up), runs its share of that run's users, streams its statistics
to the coordinator, and exits when the run ends. The coordinator writes every report.

Options:
      --master HOST:PORT   the coordinator's address  [VOLLEY_MASTER]
  -f, --scenario FILE      open this scenario file instead of the path the coordinator sends
                           (for a worker on another machine or in a container)
`;

export async function workerCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCliArgs(args, OPTIONS, 'volley worker');
  if (values.help) {
    io.stdout.write(WORKER_HELP);
    return 0;
  }
  if (positionals.length > 0)
    throw new UsageError(`unexpected argument ${positionals[0]}; see volley worker --help`);
  const master = (values.master as string | undefined) ?? io.env.VOLLEY_MASTER;
  if (!master) throw new UsageError('volley worker: --master HOST:PORT is required');
  const address = parseHostPort(master);
  if (!address) throw new UsageError(`--master: expected HOST:PORT, got "${master}"`);
  const stop = new AbortController();
  const uninstall = onSignal(io, (signal) => {
    io.stderr.write(`\nvolley worker: ${signal}: stopping this worker's users\n`);
    stop.abort();
  });
  try {
    const link = await connectToCoordinator(address.host, address.port);
    io.stderr.write(`volley worker: connected to ${master}\n`);
    let failed: string | null = null;
    const scenario = values.scenario as string | undefined;
    await runWorker(
      {
        ...link,
        send: (message) => {
          if (message.type === 'error') failed = message.message;
          return link.send(message);
        },
      },
      { ...(scenario ? { scenario } : {}), cwd: io.cwd, signal: stop.signal },
    );
    link.close();
    if (failed) io.stderr.write(`volley worker: ${visibleLines(failed)}\n`);
    return failed ? 1 : 0;
  } finally {
    uninstall();
  }
}
