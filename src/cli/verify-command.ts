import type { ParseArgsOptionsConfig } from 'node:util';
import { formatVerifyTable, verifyScenario } from '../record/verify.ts';
import type { CliIo } from './io.ts';
import { checkSendsLoad } from './load-checks.ts';
import { RUN_OPTIONS } from './option-spec.ts';
import { parseCliArgs } from './parse-args.ts';
import { flagOptions, resolveSettings } from './settings.ts';
import { UsageError } from './usage-error.ts';
import { expandBareWaitFor, waitTarget, waitUntilUp } from './wait-for.ts';

const OPTIONS: ParseArgsOptionsConfig = {
  host: { type: 'string', short: 'H' },
  users: { type: 'string', short: 'u' },
  iterations: { type: 'string', short: 'i' },
  seed: { type: 'string' },
  tags: { type: 'string', short: 'T', multiple: true },
  'exclude-tags': { type: 'string', short: 'E', multiple: true },
  redact: { type: 'string', multiple: true },
  'no-redact': { type: 'string', multiple: true },
  'redact-header': { type: 'string', multiple: true },
  'redact-json-path': { type: 'string', multiple: true },
  har: { type: 'string' },
  config: { type: 'string' },
  'wait-for': { type: 'string' },
  'wait-timeout': { type: 'string' },
  insecure: { type: 'boolean', short: 'k' },
  help: { type: 'boolean', short: 'h' },
};

export const VERIFY_HELP = `Usage: volley verify FILE [--host URL] [-u N] [-i N] [options]

Checks that a scenario records and replays: a dry run against the host, a recorded run, an offline
replay of that recording (no network), then a comparison of the two (requests, statuses, checks,
failures). Prints a table of the phases; exit code 0 only when every phase passed.

Options:
  -H, --host URL              base URL of the system under test
  -u, --users N               concurrent users (default 2)
  -i, --iterations N          task runs per user (default 3)
      --seed N                seed for task choice, waits and unique values
  -T, --tags TAGS             only tasks with these tags;  -E, --exclude-tags TAGS  skip these
      --redact PATTERN        also redact fields so named;  --no-redact NAME  keep this one
      --redact-header NAME    also redact this header;  --redact-json-path PATH  and this JSON field
      --har FILE              keep the recording here (default: a temporary file)
      --config FILE           read settings from this file
      --wait-for [URL]        first poll until the host (or URL, or a /path on it) answers
      --wait-timeout TIME     give up waiting after this long, exit 2 (default 60s)
  -k, --insecure              do not verify TLS certificates
`;

export async function verifyCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCliArgs(expandBareWaitFor(args), OPTIONS, 'volley verify');
  if (values.help) {
    io.stdout.write(VERIFY_HELP);
    return 0;
  }
  const [file, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(`expected one scenario file, got ${positionals.join(' ')}`);
  const { scenario, options } = await resolveSettings(
    {
      file,
      scenarioFromConfig: false,
      noFileMessage: 'no scenario file: volley verify FILE [--host URL]',
      configFile: values.config as string | undefined,
      flags: flagOptions(values, RUN_OPTIONS),
    },
    io,
  );
  checkSendsLoad(options);
  const waitFor = waitTarget(options);
  if (waitFor) await waitUntilUp(waitFor, options.insecure ?? false, (line) => io.stderr.write(`${line}\n`));
  const result = await verifyScenario(scenario, {
    options,
    ...(values.har !== undefined ? { harFile: values.har as string } : {}),
  });
  io.stdout.write(formatVerifyTable(result));
  return result.passed ? 0 : 1;
}
