import { readFileSync } from 'node:fs';
import { basename, relative } from 'node:path';
import type { RedactionRules } from '../record/redaction.ts';
import { TRACE_ENV } from './child-env.ts';
import { FileEventSink, NO_EVENTS } from './event-sink.ts';
import { installEscapeGuard } from './interceptors/escape-guard.ts';
import { installInboundHttp } from './interceptors/inbound-http.ts';
import { installModuleHooks } from './interceptors/module-hooks.ts';
import { installNodeSqlite } from './interceptors/node-sqlite.ts';
import { installOutbound } from './interceptors/outbound.ts';
import { installValues } from './interceptors/values.ts';
import { RecordingWriter } from './recording-writer.ts';
import { secretsFileOf } from './secrets-file.ts';
import { readTrace } from './trace-format.ts';
import { LineRedactor, traceRedactionRules } from './trace-redaction.ts';
import { Tracer } from './tracer.ts';

/** npm, npx, yarn, pnpm and corepack start the traced program; they are not traced themselves. */
function isPackageManager(argv: readonly string[]): boolean {
  const script = argv[1] ?? '';
  return (
    /[\\/](?:npm|npx|yarn|pnpm|corepack)(?:-cli)?(?:\.c?js)?$/.test(script) ||
    /[\\/]node_modules[\\/](?:npm|yarn|pnpm|corepack)[\\/]/.test(script)
  );
}

/** A process's key in the recording: its script and arguments, relative to the working directory. */
export function processKey(argv: readonly string[], cwd: string): string {
  const [, script, ...args] = argv;
  if (script === undefined) return '[eval]';
  return [relative(cwd, script) || basename(script), ...args].join(' ');
}

/**
 * A traced program ends when `volley trace` is gone (killed with no chance to stop it): it runs in a
 * process group of its own, so nothing else would stop it.
 */
function watchParent(pid: number): void {
  if (!Number.isInteger(pid) || pid <= 0) return;
  setInterval(() => {
    try {
      process.kill(pid, 0);
    } catch {
      process.exit(1);
    }
  }, 1000).unref();
}

/**
 * Ctrl-C or SIGTERM is how a recording normally ends, and a program without a handler for it dies at once,
 * with no 'exit' event: the finished lines are written first. A program that handles the signal itself goes
 * on as it would; one that does not is then ended by the same signal, as it would have been.
 */
function flushOnSignals(writer: RecordingWriter): void {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const flush = (): void => {
      writer.flushSync();
      if (process.listenerCount(signal) === 1) {
        process.off(signal, flush);
        process.kill(process.pid, signal);
      }
    };
    process.on(signal, flush);
  }
}

/** The rules `volley trace record --redact/--no-redact` handed down, or the defaults. */
function redactionFrom(env: NodeJS.ProcessEnv): RedactionRules {
  const given = env[TRACE_ENV.redact];
  if (!given) return traceRedactionRules([], []);
  const { redact, keep } = JSON.parse(given) as { redact: string[]; keep: string[] };
  return traceRedactionRules(redact, keep);
}

/**
 * Where this process numbers its placeholders from: the first traced process from 1, a later one (a
 * child process) a million further per process already in the recording, so two never share a number.
 */
function placeholderBase(file: string): number {
  try {
    return (readFileSync(file, 'utf8').match(/"t":"process"/g)?.length ?? 0) * 1_000_000;
  } catch {
    return 0;
  }
}

/**
 * Starts tracing in this process when `volley trace` asked for it (the environment says so): the
 * preload's whole job. Recording writes to the recording file; replaying reads it and answers from it.
 */
export function startTracing(env: NodeJS.ProcessEnv): Tracer | null {
  const mode = env[TRACE_ENV.mode];
  const file = env[TRACE_ENV.file];
  if ((mode !== 'record' && mode !== 'replay') || !file || isPackageManager(process.argv)) return null;
  const key = processKey(process.argv, process.cwd());
  watchParent(Number(env[TRACE_ENV.parent]));
  const events = env[TRACE_ENV.events] ? new FileEventSink(env[TRACE_ENV.events] as string) : NO_EVENTS;
  let tracer: Tracer;
  if (mode === 'record') {
    const redactor = new LineRedactor(redactionFrom(env), secretsFileOf(file), placeholderBase(file));
    const writer = new RecordingWriter(file, redactor);
    const id = String(process.pid);
    writer.write({
      t: 'process',
      p: id,
      key,
      pid: process.pid,
      node: process.version,
      argv: process.argv.slice(1),
    });
    tracer = new Tracer({ mode, process: id, writer, events });
    process.on('exit', () => writer.close());
    flushOnSignals(writer);
  } else {
    const recording = readTrace(file, { restore: true });
    // A recording of one process replays in one process even if its script moved.
    const recordedKey =
      recording.processes.find((p) => p.key === key)?.p ??
      (recording.processes.length === 1 ? (recording.processes[0]?.p ?? key) : key);
    tracer = new Tracer({
      mode,
      process: recordedKey,
      recorded: recording.calls.filter((call) => call.p === recordedKey),
      events,
    });
    let reported = false;
    const report = (): void => {
      if (reported) return;
      reported = true;
      tracer.reportUnused();
      events.emit({ t: 'reported', p: recordedKey });
    };
    process.on('exit', report);
    installInboundHttp(tracer, events, {
      control(command, res) {
        if (command === 'report') report();
        res.writeHead(command === 'report' ? 204 : 400).end();
      },
    });
  }
  if (mode === 'record') installInboundHttp(tracer, events);
  // VOLLEY_TRACE_INTERCEPT=none: the control run — requests are still named and re-sent, but the
  // program's I/O, time and randomness are its own; a replay that still passes proves nothing.
  if (env[TRACE_ENV.intercept] === 'none') return tracer;
  installValues(tracer);
  installNodeSqlite(tracer);
  installOutbound(tracer);
  installModuleHooks(tracer);
  if (mode === 'replay') installEscapeGuard(tracer);
  return tracer;
}
