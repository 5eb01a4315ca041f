import { resolve } from 'node:path';
import type { ParseArgsOptionsConfig } from 'node:util';
import { Redactor } from '../record/redaction.ts';
import { writeFileAtomic } from '../report/atomic-write.ts';
import { formatReport } from '../trace/replay-report.ts';
import { recordTrace } from '../trace/trace-record.ts';
import { traceRedactionRules } from '../trace/trace-redaction.ts';
import { hostFor, replayTrace } from '../trace/trace-replay.ts';
import type { CliIo } from './io.ts';
import { parseCliArgs } from './parse-args.ts';
import { onSignal } from './signals.ts';
import { UsageError } from './usage-error.ts';

export const TRACE_HELP = `Usage: volley trace SUBCOMMAND [options] -- COMMAND [ARGS…]

Records a Node service or program with all its I/O, replays it with no database and no network, and
shows where it behaves differently. See docs/trace.md.

  volley trace record --out FILE -- COMMAND       run COMMAND with the recorder (Ctrl-C stops it)
  volley trace replay FILE -- COMMAND             run COMMAND again from the recording and compare
  volley trace verify --load SCENARIO -- COMMAND  record under volley load, replay offline, compare
  volley trace inspect FILE [--request KEY]       what was recorded, per inbound request
  volley trace export-har FILE --out FILE.har     the inbound exchanges as a HAR

COMMAND is what starts the program: node server.js, npm start, node client.js, …
Run volley trace SUBCOMMAND --help for its options.
`;

const RECORD_OPTIONS: ParseArgsOptionsConfig = {
  out: { type: 'string', short: 'o' },
  redact: { type: 'string', multiple: true },
  'no-redact': { type: 'string', multiple: true },
  help: { type: 'boolean', short: 'h' },
};

const RECORD_HELP = `Usage: volley trace record --out FILE -- COMMAND [ARGS…]

Runs COMMAND with the recorder preloaded (NODE_OPTIONS=--import …, so npm start and wrapper scripts
work) and writes every inbound request, database call, outbound request, and the time and randomness
the program reads to FILE as it happens. Ctrl-C or SIGTERM stops the program and finishes the recording.
Exit code: the command's, or 0 when volley stopped it.

Secrets (headers, query parameters and JSON/form fields whose names look secret; see docs/recording.md)
are replaced by placeholders everywhere they appear; their values go to FILE.secrets (mode 0600), which
a replay uses to restore them. Share the recording, keep FILE.secrets to yourself.

Options:
  -o, --out FILE       the recording to write (.vtrace)
      --redact NAME    also redact fields, parameters and headers of this name (glob: *session*)
      --no-redact NAME keep this field, parameter or header as it is
`;

const REPLAY_OPTIONS: ParseArgsOptionsConfig = {
  order: { type: 'string' },
  concurrency: { type: 'string', short: 'c' },
  seed: { type: 'string' },
  noise: { type: 'string', multiple: true },
  json: { type: 'string' },
  timeout: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};

const REPLAY_HELP = `Usage: volley trace replay FILE [options] -- COMMAND [ARGS…]

Runs COMMAND with the replayer preloaded: no recorded I/O happens (no database is opened, no socket is
made); every intercepted call is answered from FILE. A server gets every recorded inbound request again
over loopback and each response is compared with the recorded one; a client program runs to its end and
its exit code and output are compared. Exit code 0: all identical; 1: any difference.

Options:
      --order recorded|shuffled   the order requests are sent in (default shuffled, seeded)
  -c, --concurrency N|all         requests in flight at once (default 8)
      --seed N                    the shuffle's seed (default 1)
      --noise FIELD               may differ: header:NAME or json:$.path (repeatable)
      --json FILE                 also write the report as JSON
      --timeout SECONDS           how long the program may take to listen or finish (default 60)
`;

const VERIFY_HELP = `Usage: volley trace verify --load SCENARIO [run options] [options] -- COMMAND [ARGS…]

Record → replay → compare in one go: runs COMMAND under the recorder, sends it the load of SCENARIO
(volley run SCENARIO -H <the port it listens on> --headless --only-summary, with the run options given:
-u, -i, -t, -r…),
stops it, replays the recording in a fresh network namespace with only loopback (as root or where user
namespaces are allowed; it says so when it cannot) with the --hide folders behind empty ones, and reports.
Exit code 0: the load passed and the replay is identical; 1: otherwise.

Options:
      --load SCENARIO             the scenario that sends the load (required)
  -o, --out FILE                  keep the recording here (default: a temporary file)
      --hide DIR                  a folder the replay must not see, e.g. the database's (repeatable)
      --order recorded|shuffled   replay order (default shuffled)
  -c, --concurrency N|all         replay requests in flight (default 8)
      --noise FIELD               may differ: header:NAME or json:$.path (repeatable)
      --json FILE                 also write the replay report as JSON
      --timeout SECONDS           how long the program may take to listen (default 60)
      --redact NAME / --no-redact NAME   as for volley trace record
Every other option before -- goes to volley run.
`;

/** verify's own options, with whether each takes a value; everything else goes to `volley run`. */
const VERIFY_OWN = new Map<string, string>([
  ['--load', 'load'],
  ['--out', 'out'],
  ['-o', 'out'],
  ['--hide', 'hide'],
  ['--order', 'order'],
  ['--concurrency', 'concurrency'],
  ['-c', 'concurrency'],
  ['--noise', 'noise'],
  ['--json', 'json'],
  ['--timeout', 'timeout'],
  ['--redact', 'redact'],
  ['--no-redact', 'no-redact'],
]);

/** `--redact` and `--no-redact`, checked here so a bad pattern is a usage error, not a failed recording. */
function redactionFlags(values: Record<string, unknown>): { redact: string[]; keep: string[] } {
  const redact = (values.redact as string[] | undefined) ?? [];
  const keep = (values['no-redact'] as string[] | undefined) ?? [];
  new Redactor(traceRedactionRules(redact, keep));
  return { redact, keep };
}

/** Splits `[options…] -- command…`. */
function splitCommand(args: readonly string[], usage: string): { own: string[]; command: string[] } {
  const at = args.indexOf('--');
  if (at < 0) return { own: [...args], command: [] };
  const command = args.slice(at + 1);
  if (command.length === 0) throw new UsageError(`no command after --: ${usage}`);
  return { own: args.slice(0, at), command };
}

function positiveInt(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`${flag}: expected a whole number ≥ 1, got "${value}"`);
  return n;
}

async function recordCommand(args: readonly string[], io: CliIo): Promise<number> {
  const usage = 'volley trace record --out FILE -- COMMAND';
  const { own, command } = splitCommand(args, usage);
  const { values, positionals } = parseCliArgs(own, RECORD_OPTIONS, 'volley trace record');
  if (values.help) {
    io.stdout.write(RECORD_HELP);
    return 0;
  }
  if (positionals.length > 0)
    throw new UsageError(`unexpected ${positionals.join(' ')}; put the command after --: ${usage}`);
  if (values.out === undefined) throw new UsageError(`--out FILE is required: ${usage}`);
  if (command.length === 0) throw new UsageError(`no command to record: ${usage}`);
  const session = recordTrace({
    command,
    out: values.out as string,
    cwd: io.cwd,
    env: io.env,
    stdout: io.stdout,
    ...redactionFlags(values),
  });
  const uninstall = onSignal(io, (signal) => {
    void session.stop(signal === 'SIGINT' ? 'SIGINT' : 'SIGTERM');
  });
  try {
    const result = await session.finished;
    io.stderr.write(`volley: recording written to ${values.out as string}\n`);
    return result.exitCode;
  } finally {
    uninstall();
  }
}

async function replayCommand(args: readonly string[], io: CliIo): Promise<number> {
  const usage = 'volley trace replay FILE -- COMMAND';
  const { own, command } = splitCommand(args, usage);
  const { values, positionals } = parseCliArgs(own, REPLAY_OPTIONS, 'volley trace replay');
  if (values.help) {
    io.stdout.write(REPLAY_HELP);
    return 0;
  }
  const [file, ...extra] = positionals;
  if (file === undefined) throw new UsageError(`no recording: ${usage}`);
  if (extra.length > 0)
    throw new UsageError(`unexpected ${extra.join(' ')}; put the command after --: ${usage}`);
  if (command.length === 0) throw new UsageError(`no command to replay: ${usage}`);
  const order = (values.order as string | undefined) ?? 'shuffled';
  if (order !== 'recorded' && order !== 'shuffled') {
    throw new UsageError(`--order: expected recorded or shuffled, got "${order}"`);
  }
  const rawConcurrency = values.concurrency as string | undefined;
  const concurrency =
    rawConcurrency === undefined
      ? 8
      : rawConcurrency === 'all'
        ? 'all'
        : positiveInt(rawConcurrency, '--concurrency');
  const timeout = values.timeout === undefined ? 60 : Number(values.timeout);
  if (!Number.isFinite(timeout) || timeout <= 0) {
    throw new UsageError(`--timeout: expected seconds > 0, got "${values.timeout as string}"`);
  }
  const report = await replayTrace({
    recording: file,
    command,
    cwd: io.cwd,
    env: io.env,
    order,
    concurrency,
    seed: values.seed === undefined ? 1 : positiveInt(values.seed as string, '--seed'),
    noise: (values.noise as string[] | undefined) ?? [],
    timeoutMs: timeout * 1000,
    stdout: null,
  });
  io.stdout.write(formatReport(report));
  if (values.json !== undefined) {
    await writeFileAtomic(resolve(io.cwd, values.json as string), `${JSON.stringify(report, null, 2)}\n`);
  }
  return report.passed ? 0 : 1;
}

async function verifyCommand(args: readonly string[], io: CliIo): Promise<number> {
  const usage = 'volley trace verify --load SCENARIO [-u N -i N] -- COMMAND';
  const { own, command } = splitCommand(args, usage);
  if (own.includes('--help') || own.includes('-h')) {
    io.stdout.write(VERIFY_HELP);
    return 0;
  }
  const mine: Record<string, string[]> = {};
  const runArgs: string[] = [];
  for (let i = 0; i < own.length; i++) {
    const arg = own[i] as string;
    const eq = arg.indexOf('=');
    const flag = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const key = VERIFY_OWN.get(flag);
    if (key === undefined) {
      runArgs.push(arg);
      continue;
    }
    const value = eq > 0 && flag !== arg ? arg.slice(eq + 1) : own[++i];
    if (value === undefined) throw new UsageError(`${flag} needs a value; see volley trace verify --help`);
    mine[key] = [...(mine[key] ?? []), value];
  }
  const load = mine.load?.at(-1);
  if (load === undefined) throw new UsageError(`--load SCENARIO is required: ${usage}`);
  if (command.length === 0) throw new UsageError(`no command to verify: ${usage}`);
  const timeout = mine.timeout === undefined ? 60 : Number(mine.timeout.at(-1));
  if (!Number.isFinite(timeout) || timeout <= 0) throw new UsageError(`--timeout: expected seconds > 0`);
  const replayArgs: string[] = [];
  for (const key of ['order', 'concurrency', 'noise'] as const) {
    for (const value of mine[key] ?? []) replayArgs.push(`--${key}`, value);
  }
  const { verifyTrace } = await import('../trace/trace-verify.ts');
  const { runCommand } = await import('./run-command.ts');
  const result = await verifyTrace({
    command,
    cwd: io.cwd,
    env: io.env,
    hide: mine.hide ?? [],
    ...redactionFlags(mine),
    replayArgs,
    timeoutMs: timeout * 1000,
    ...(mine.out !== undefined ? { out: mine.out.at(-1) as string } : {}),
    log: (line) => io.stderr.write(`volley: ${line}\n`),
    load: (address) =>
      runCommand(
        [
          load,
          '-H',
          `http://${hostFor(address.address)}:${address.port}`,
          '--headless',
          '--only-summary',
          ...runArgs,
        ],
        {
          ...io,
          stdout: io.stdout,
        },
      ),
  });
  if (result.notIsolated !== '') {
    io.stderr.write(
      `volley: replayed without a network namespace: ${result.notIsolated}; sockets were still blocked\n`,
    );
  }
  io.stdout.write(formatReport(result.report));
  if (mine.json !== undefined) {
    await writeFileAtomic(
      resolve(io.cwd, mine.json.at(-1) as string),
      `${JSON.stringify(result.report, null, 2)}\n`,
    );
  }
  if (result.loadExitCode !== 0)
    io.stderr.write(`volley: the load run failed (exit code ${result.loadExitCode})\n`);
  return result.loadExitCode === 0 && result.report.passed ? 0 : 1;
}

const INSPECT_OPTIONS: ParseArgsOptionsConfig = {
  request: { type: 'string', short: 'r' },
  help: { type: 'boolean', short: 'h' },
};

const INSPECT_HELP = `Usage: volley trace inspect FILE [--request KEY]

What a recording holds: the command, processes, libraries, and one line per inbound request with its
status and number of calls. --request r17 (or 17, startup, background) shows that request's request and
response and every call it made, in order.
`;

async function inspectCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCliArgs(args, INSPECT_OPTIONS, 'volley trace inspect');
  if (values.help) {
    io.stdout.write(INSPECT_HELP);
    return 0;
  }
  const [file, ...extra] = positionals;
  if (file === undefined || extra.length > 0)
    throw new UsageError('expected one recording: volley trace inspect FILE');
  const { readTrace } = await import('../trace/trace-format.ts');
  const { inspectRecording, inspectRequest } = await import('../trace/trace-inspect.ts');
  const recording = readTrace(resolve(io.cwd, file));
  const key = values.request as string | undefined;
  io.stdout.write(key === undefined ? inspectRecording(recording) : inspectRequest(recording, key));
  return 0;
}

const EXPORT_OPTIONS: ParseArgsOptionsConfig = {
  out: { type: 'string', short: 'o' },
  help: { type: 'boolean', short: 'h' },
};

const EXPORT_HELP = `Usage: volley trace export-har FILE --out FILE.har

Writes the recording's inbound exchanges as a HAR 1.2 file, in the order the requests arrived: open it
in browser dev tools, turn it into a scenario with volley har2ts, or replay it with volley run --replay.
`;

async function exportHarCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCliArgs(args, EXPORT_OPTIONS, 'volley trace export-har');
  if (values.help) {
    io.stdout.write(EXPORT_HELP);
    return 0;
  }
  const [file, ...extra] = positionals;
  if (file === undefined || extra.length > 0) {
    throw new UsageError('expected one recording: volley trace export-har FILE --out FILE.har');
  }
  if (values.out === undefined)
    throw new UsageError('--out FILE.har is required: volley trace export-har FILE --out FILE.har');
  const { readTrace } = await import('../trace/trace-format.ts');
  const { traceToHar } = await import('../trace/export-har.ts');
  const { writeHar } = await import('../record/cassette.ts');
  const har = traceToHar(readTrace(resolve(io.cwd, file)));
  await writeHar(resolve(io.cwd, values.out as string), har);
  io.stderr.write(`volley: ${har.log.entries.length} exchanges written to ${values.out as string}\n`);
  return 0;
}

export async function traceCommand(args: readonly string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'record':
      return recordCommand(rest, io);
    case 'replay':
      return replayCommand(rest, io);
    case 'verify':
      return verifyCommand(rest, io);
    case 'inspect':
      return inspectCommand(rest, io);
    case 'export-har':
      return exportHarCommand(rest, io);
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      io.stdout.write(TRACE_HELP);
      return sub === undefined ? 2 : 0;
    default:
      throw new UsageError(`unknown trace subcommand "${sub}"; try volley trace --help`);
  }
}
