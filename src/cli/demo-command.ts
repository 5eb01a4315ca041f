import type { ParseArgsOptionsConfig } from 'node:util';
import { startDemoServer } from '../demo/server.ts';
import { visibleLines } from '../terminal-text.ts';
import type { CliIo } from './io.ts';
import { parseCliArgs } from './parse-args.ts';
import { waitForSignal } from './signals.ts';
import { UsageError } from './usage-error.ts';

const OPTIONS: ParseArgsOptionsConfig = {
  port: { type: 'string', short: 'p' },
  host: { type: 'string' },
  db: { type: 'string' },
  'seed-students': { type: 'string' },
  'error-rate': { type: 'string' },
  'reset-rate': { type: 'string' },
  'jwt-secret': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};

export const DEMO_HELP = `Usage: volley demo [options]

Serves the built-in reference API (endpoints: src/demo/README.md) until Ctrl-C.

Options:
  -p, --port N             port (default 5000; 0 picks a free one)
      --host ADDR          loopback address to bind (default 127.0.0.1)
      --db SPEC            sqlite (default, temporary), sqlite:FILE, or postgres://user:pass@host:port/db
      --seed-students N    make sure N students exist
      --error-rate R       share of requests answered 500 (test knob, 0..1)
      --reset-rate R       share of connections reset without an answer (test knob, 0..1)
      --jwt-secret S       HS256 secret for tokens (default: random per process)
`;

function number(value: unknown, flag: string, integer: boolean): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (String(value).trim() === '' || !Number.isFinite(n) || (integer && !Number.isInteger(n))) {
    throw new UsageError(`${flag}: expected ${integer ? 'a whole number' : 'a number'}, got "${value}"`);
  }
  return n;
}

export async function demoCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCliArgs(args, OPTIONS, 'volley demo');
  if (values.help) {
    io.stdout.write(DEMO_HELP);
    return 0;
  }
  if (positionals.length > 0)
    throw new UsageError(`volley demo takes no arguments, got ${positionals.join(' ')}`);
  const errorRate = number(values['error-rate'], '--error-rate', false);
  const resetRate = number(values['reset-rate'], '--reset-rate', false);
  const server = await startDemoServer({
    port: number(values.port, '--port', true) ?? 5000,
    ...(values.host ? { host: values.host as string } : {}),
    ...(values.db ? { db: values.db as string } : {}),
    seedStudents: number(values['seed-students'], '--seed-students', true) ?? 0,
    ...(values['jwt-secret'] ? { jwtSecret: values['jwt-secret'] as string } : {}),
    ...(errorRate !== undefined || resetRate !== undefined
      ? {
          faults: {
            ...(errorRate !== undefined ? { errorRate } : {}),
            ...(resetRate !== undefined ? { resetRate } : {}),
          },
        }
      : {}),
    // Its lines quote request URLs, which any client chooses.
    log: (line) => io.stderr.write(`${visibleLines(line)}\n`),
  });
  io.stderr.write('volley demo: Ctrl-C to stop\n');
  await waitForSignal(io);
  await server.close();
  return 0;
}
