import { VOLLEY_VERSION } from '../version.ts';
import { COMMANDS, type CommandEntry, mainHelp } from './commands.ts';
import { reportFailure } from './failure.ts';
import type { CliIo } from './io.ts';
import { UsageError } from './usage-error.ts';

/** The whole CLI: returns the exit code. Everything it does is a call into the library. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const verbose = argv.includes('--verbose') || /^(1|true|yes)$/i.test(io.env.VOLLEY_VERBOSE ?? '');
  try {
    return await dispatch(argv, io);
  } catch (error) {
    return reportFailure(error, io.stderr, verbose);
  }
}

async function dispatch(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  switch (name) {
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      io.stdout.write(mainHelp());
      return name === undefined ? 2 : 0;
    case '-V':
    case '--version':
    case 'version':
      io.stdout.write(`${VOLLEY_VERSION}\n`);
      return 0;
  }
  const entry = COMMANDS.find((c) => c.name === name);
  if (entry) return (await entry.load())(rest, io);
  // `volley scenario.ts …` is `volley run scenario.ts …`.
  if (/\.(?:[cm]?[jt]s|tsx)$/.test(name)) return (await runEntry().load())(argv, io);
  throw new UsageError(`unknown command "${name}"; try volley --help`);
}

function runEntry(): CommandEntry {
  const run = COMMANDS.find((c) => c.name === 'run');
  if (!run) throw new Error('the command table has no run command');
  return run;
}
