import { fileURLToPath } from 'node:url';
import { startDemoServer } from '../demo/server.ts';
import type { CliIo } from './io.ts';
import { runCommand } from './run-command.ts';

const SCENARIO = fileURLToPath(new URL('../../examples/quickstart.ts', import.meta.url));

/** The defaults of `npm run demo`; any `volley run` flag given after `volley quickstart` overrides them. */
const DEFAULT_FLAGS = [
  '-u',
  '20',
  '-r',
  '4',
  '-t',
  '30s',
  '--csv',
  'reports/demo',
  '--json-file',
  'reports/demo.json',
  '--html',
  'reports/demo.html',
];

export const QUICKSTART_HELP = `Usage: volley quickstart [volley run options]

What \`npm run demo\` does: starts the demo API on a free loopback port in this process, runs
examples/quickstart.ts (students CRUD + registration/login) against it with ${DEFAULT_FLAGS.join(' ')},
shows the live view and writes reports/demo_*.csv, reports/demo.json and reports/demo.html. Flags override the defaults.
`;

export async function quickstartCommand(args: readonly string[], io: CliIo): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout.write(QUICKSTART_HELP);
    return 0;
  }
  const demo = await startDemoServer({ port: 0, seedStudents: 100 });
  io.stdout.write(`volley demo API on ${demo.url}; running ${SCENARIO}\n`);
  try {
    return await runCommand([SCENARIO, '-H', demo.url, '--headless', ...DEFAULT_FLAGS, ...args], io);
  } finally {
    await demo.close();
  }
}
