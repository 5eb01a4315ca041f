import { parseArgs } from 'node:util';
import { UsageError } from './usage-error.ts';

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
