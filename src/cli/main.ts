import { parseArgs } from 'node:util';
import { VOLLEY_VERSION } from '../version.ts';
import { reportFailure } from './failure.ts';
import { MAIN_HELP } from './help.ts';
import { runCommand } from './run-command.ts';
import { UsageError } from './usage-error.ts';

export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Installs SIGINT/SIGTERM handling; tests pass their own. */
  onSignal?: (handler: (signal: string) => void) => () => void;
}

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

/** parseArgs with one-line messages that say what to fix. */
export function parseCliArgs(
  args: readonly string[],
  options: NonNullable<Parameters<typeof parseArgs>[0]>['options'],
  helpCommand: string,
): { values: Record<string, string | boolean | (string | boolean)[] | undefined>; positionals: string[] } {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (error) {
    const err = error as Error & { code?: string };
    const option = /'([^']+)'/.exec(err.message)?.[1];
    if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      throw new UsageError(`unknown option ${option ?? ''}; see ${helpCommand} --help`);
    }
    if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && /ambiguous/.test(err.message)) {
      // parseArgs takes "-5" for an option: say what happened instead of its three-line riddle.
      throw new UsageError(
        `${option ?? 'an option'} needs a value, and a value starting with "-" is read as an option (negative numbers are not allowed; write ${option ?? '--option'}=VALUE for a value that starts with "-")`,
      );
    }
    if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      throw new UsageError(`${err.message.split('\n')[0]}; see ${helpCommand} --help`);
    }
    throw new UsageError(err.message.split('\n')[0] ?? String(err));
  }
}
