import { parseArgs } from 'node:util';
import { nearestName } from './nearest-name.ts';
import { UsageError } from './usage-error.ts';

type ParseOptions = NonNullable<Parameters<typeof parseArgs>[0]>['options'];

/** parseArgs with one-line messages that say what to fix. */
export function parseCliArgs(
  args: readonly string[],
  options: ParseOptions,
  helpCommand: string,
): { values: Record<string, string | boolean | (string | boolean)[] | undefined>; positionals: string[] } {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (error) {
    const err = error as Error & { code?: string };
    const option = /'([^']+)'/.exec(err.message)?.[1];
    if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      throw new UsageError(
        `unknown option ${option ?? ''}${suggestion(option, options)}; see ${helpCommand} --help`,
      );
    }
    if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && /ambiguous/.test(err.message) && option) {
      throw new UsageError(dashValueMessage(option, args, options));
    }
    if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      throw new UsageError(`${err.message.split('\n')[0]}; see ${helpCommand} --help`);
    }
    throw new UsageError(err.message.split('\n')[0] ?? String(err));
  }
}

/** " (did you mean --users?)" for a long flag close to a known one; "" otherwise. */
function suggestion(option: string | undefined, options: ParseOptions): string {
  if (!option?.startsWith('--')) return '';
  const typed = option.slice(2).split('=')[0] ?? '';
  const near = nearestName(typed, Object.keys(options ?? {}));
  return near ? ` (did you mean --${near}?)` : '';
}

/**
 * parseArgs reads a value starting with "-" as the next option. A negative number is never a valid
 * value of ours; anything else can be given attached to the long flag (--host=-x).
 */
function dashValueMessage(option: string, args: readonly string[], options: ParseOptions): string {
  const value = args[args.indexOf(option) + 1] ?? '';
  if (/^-(\d|\.\d)/.test(value)) {
    return `${option} ${value}: a negative value is not allowed here; did you mean ${option} ${value.slice(1)}?`;
  }
  const long = option.startsWith('--')
    ? option
    : `--${Object.entries(options ?? {}).find(([, o]) => o.short === option.slice(1))?.[0] ?? option.slice(1)}`;
  return `${option} needs a value, got the option ${value} next; to pass a value starting with "-", write ${long}=${value}`;
}
