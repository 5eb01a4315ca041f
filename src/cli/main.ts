import { VOLLEY_VERSION } from '../version.ts';
import { reportFailure } from './failure.ts';
import { MAIN_HELP } from './help.ts';
import type { CliIo } from './io.ts';
import { runCommand } from './run-command.ts';
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
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      io.stdout.write(MAIN_HELP);
      return command === undefined ? 2 : 0;
    case '-V':
    case '--version':
    case 'version':
      io.stdout.write(`${VOLLEY_VERSION}\n`);
      return 0;
    case 'run':
      return runCommand(rest, io);
    case 'demo': {
      const { demoCommand } = await import('./demo-command.ts');
      return demoCommand(rest, io);
    }
    case 'verify': {
      const { verifyCommand } = await import('./verify-command.ts');
      return verifyCommand(rest, io);
    }
    case 'har2ts': {
      const { har2tsCommand } = await import('./har2ts-command.ts');
      return har2tsCommand(rest, io);
    }
    case 'worker': {
      const { workerCommand } = await import('./worker-command.ts');
      return workerCommand(rest, io);
    }
    case 'quickstart': {
      const { quickstartCommand } = await import('./quickstart-command.ts');
      return quickstartCommand(rest, io);
    }
    default:
      // `volley scenario.ts …` is `volley run scenario.ts …`.
      if (/\.(?:[cm]?[jt]s|tsx)$/.test(command)) return runCommand(argv, io);
      throw new UsageError(`unknown command "${command}"; try volley --help`);
  }
}
