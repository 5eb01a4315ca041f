import type { ParseArgsOptionsConfig } from 'node:util';
import { parseHostPort } from '../cluster/socket-link.ts';
import { parseDuration } from '../engine/duration.ts';
import { generateCaptureToken, startCaptureProxy } from '../record/capture-proxy.ts';
import { CaptureWriter } from '../record/capture-writer.ts';
import { defaultRedactionRules, Redactor } from '../record/redaction.ts';
import { isLoopbackHost } from '../report/loopback-host.ts';
import type { CliIo } from './io.ts';
import { parseCliArgs } from './parse-args.ts';
import { waitForSignal } from './signals.ts';
import { UsageError } from './usage-error.ts';

const OPTIONS: ParseArgsOptionsConfig = {
  listen: { type: 'string' },
  upstream: { type: 'string' },
  out: { type: 'string', short: 'o' },
  'max-entries': { type: 'string' },
  'rotate-size': { type: 'string' },
  'rotate-time': { type: 'string' },
  'max-body': { type: 'string' },
  token: { type: 'string' },
  insecure: { type: 'boolean', short: 'k' },
  redact: { type: 'string', multiple: true },
  'no-redact': { type: 'string', multiple: true },
  'redact-header': { type: 'string', multiple: true },
  'redact-json-path': { type: 'string', multiple: true },
  help: { type: 'boolean', short: 'h' },
};

export const CAPTURE_HELP = `Usage: volley capture --upstream URL --out FILE.har [--listen HOST:PORT] [options]

A reverse proxy in front of a service: forwards every request to --upstream and records each exchange as
HAR 1.2 with its real timings, redacted by the recording rules (docs/recording.md), until Ctrl-C
(SIGINT/SIGTERM). The file is rewritten atomically about once a second while traffic flows (a large one
less often); a secret a later exchange reveals is scrubbed from the entries written before it. Play it
back with volley run FILE.har -H URL --speed 2 (docs/traffic.md). WebSocket upgrades pass through
unrecorded.

Options:
      --listen HOST:PORT       where to listen (default 127.0.0.1:8080; beyond loopback clients must send
                               the --token as Proxy-Authorization: Bearer TOKEN or X-Volley-Token)
      --upstream URL           the service: http(s)://host[:port][/prefix]
  -o, --out FILE.har           the recording
      --max-entries N          record this many exchanges, then only forward
      --rotate-size SIZE       start FILE-2.har, FILE-3.har… when a file would pass SIZE (e.g. 100MB)
      --rotate-time TIME       … or when a file is TIME old (e.g. 10m)
      --max-body SIZE          bytes of each body recorded (default 1MB; the rest is forwarded)
      --token TOKEN            the clients' token (generated and printed when listening beyond loopback)
  -k, --insecure               do not verify the upstream's TLS certificate
      --redact PATTERN, --no-redact NAME, --redact-header NAME, --redact-json-path PATH
                               the recording rules, as for volley run --record
`;

export async function captureCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCliArgs(args, OPTIONS, 'volley capture');
  if (values.help) {
    io.stdout.write(CAPTURE_HELP);
    return 0;
  }
  if (positionals.length > 0)
    throw new UsageError(`unexpected argument "${positionals[0]}"; see volley capture --help`);
  const listenText = (values.listen as string | undefined) ?? '127.0.0.1:8080';
  const listen = parseHostPort(listenText, true);
  if (listen === null)
    throw new UsageError(`--listen: expected HOST:PORT, like 127.0.0.1:8080, got "${listenText}"`);
  const upstream = parseUpstream(values.upstream as string | undefined);
  const out = values.out as string | undefined;
  if (out === undefined) throw new UsageError('--out FILE.har: where to write the recording');
  const list = (key: string) => (values[key] as string[] | undefined) ?? [];
  const redactor = new Redactor(
    defaultRedactionRules({
      names: list('redact'),
      keep: list('no-redact'),
      headers: list('redact-header'),
      jsonPaths: list('redact-json-path'),
    }),
  );
  let token = (values.token as string | undefined) ?? null;
  if (token === null && !isLoopbackHost(listen.host)) {
    token = generateCaptureToken();
    io.stderr.write(
      `volley capture: listening beyond loopback; clients send Proxy-Authorization: Bearer ${token}\n`,
    );
  }
  const writer = new CaptureWriter({
    file: out.startsWith('/') ? out : `${io.cwd}/${out}`,
    redactor,
    ...optionalCount('--max-entries', values['max-entries']),
    ...optionalSize('--rotate-size', values['rotate-size'], 'rotateBytes'),
    ...(values['rotate-time'] !== undefined
      ? {
          rotateMs: positive(
            '--rotate-time',
            parseDuration(values['rotate-time'] as string, '--rotate-time') * 1000,
          ),
        }
      : {}),
    log: (message) => io.stderr.write(`volley capture: ${message}\n`),
  });
  const maxBody = optionalSize('--max-body', values['max-body'], 'rotateBytes').rotateBytes;
  const proxy = await startCaptureProxy({
    host: listen.host,
    port: listen.port,
    upstream,
    token,
    insecure: values.insecure === true,
    ...(maxBody !== undefined ? { maxBodyBytes: maxBody } : {}),
    recording: () => writer.accepting,
    onEntry: (entry) => writer.add(entry),
  }).catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(
      `--listen ${listenText}: ${error.code === 'EADDRINUSE' ? 'the port is taken' : (error.code ?? error.message)}`,
    );
  });
  io.stderr.write(`volley capture: ${proxy.url} → ${upstream.href} (recording to ${out}; Ctrl-C to stop)\n`);
  const signal = await waitForSignal(io);
  io.stderr.write(`volley capture: ${signal}: finishing ${proxy.inFlight} exchange(s) in flight\n`);
  await proxy.close();
  await writer.close();
  io.stderr.write(`volley capture: ${writer.total} exchange(s) recorded in ${writer.files.join(', ')}\n`);
  return 0;
}

function parseUpstream(text: string | undefined): URL {
  if (text === undefined)
    throw new UsageError('--upstream URL: the service to forward to, like http://127.0.0.1:5000');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--upstream: expected an http(s) URL, got "${text}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--upstream: expected an http(s) URL, got "${text}"`);
  }
  return url;
}

function positive(flag: string, value: number): number {
  if (!(value > 0)) throw new UsageError(`${flag}: expected more than 0`);
  return value;
}

function optionalCount(flag: string, raw: unknown): { maxEntries?: number } {
  if (raw === undefined) return {};
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`${flag}: expected a whole number ≥ 1, got "${raw}"`);
  return { maxEntries: n };
}

const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  kb: 1024,
  k: 1024,
  mb: 1024 ** 2,
  m: 1024 ** 2,
  gb: 1024 ** 3,
  g: 1024 ** 3,
};

/** "100MB", "512k", "1g", "4096": bytes (binary units). */
function optionalSize(flag: string, raw: unknown, key: 'rotateBytes'): { rotateBytes?: number } {
  if (raw === undefined) return {};
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(String(raw));
  const unit = UNITS[(match?.[2] ?? '').toLowerCase()];
  if (!match || unit === undefined || !(Number(match[1]) > 0)) {
    throw new UsageError(`${flag}: expected a size like 100MB, 512KB or 4096, got "${raw}"`);
  }
  return { [key]: Math.floor(Number(match[1]) * unit) };
}
