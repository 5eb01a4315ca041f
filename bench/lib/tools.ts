/** The load generators compared, and how each one is started for the minimal scenario. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { which } from './procs.ts';

export const ROOT = new URL('../..', import.meta.url).pathname;
export const SCENARIOS = join(ROOT, 'bench', 'scenarios');

export interface ToolCommand {
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
}

export interface Tool {
  name: string;
  /** How it sends: shown in the table. */
  description: string;
  /** Null when usable, else why not (shown as "not available"). */
  unavailable(): string | null;
  /** Runs `connections` concurrent users/connections against `url` for at least `seconds`. */
  command(url: string, connections: number, seconds: number): ToolCommand;
}

const node = process.execPath;
const autocannonJs = join(ROOT, 'node_modules', 'autocannon', 'autocannon.js');

function locust(className: string, description: string): Tool {
  return {
    name: className === 'FastUser' ? 'locust-fast' : 'locust',
    description,
    unavailable: () =>
      which('locust') === null ? 'locust not found (apt-get install python3-locust)' : null,
    command: (url, connections, seconds) => ({
      command: which('locust') ?? 'locust',
      args: [
        '-f',
        join(SCENARIOS, 'locustfile.py'),
        className,
        '--headless',
        '--only-summary',
        '--loglevel',
        'ERROR',
        '-u',
        String(connections),
        '-r',
        String(connections),
        '-t',
        `${seconds}s`,
        '-H',
        url,
      ],
    }),
  };
}

function volley(name: string, description: string, env?: NodeJS.ProcessEnv): Tool {
  return {
    name,
    description,
    unavailable: () => null,
    command: (url, connections, seconds) => ({
      command: node,
      args: [
        join(ROOT, 'bin', 'volley.js'),
        'run',
        join(SCENARIOS, 'minimal.ts'),
        '-H',
        url,
        '-u',
        String(connections),
        '-t',
        `${seconds}s`,
        '--headless',
        '--only-summary',
        // nginx's certificate under --tls is self-signed; the other tools do not verify either.
        '--insecure',
      ],
      ...(env === undefined ? {} : { env: { ...process.env, ...env } }),
    }),
  };
}

export const TOOLS: readonly Tool[] = [
  volley('volley', 'volley run, minimal scenario, full HDR statistics'),
  // The same through undici (VOLLEY_HTTP_CLIENT=undici): what the fast path is measured against.
  volley('volley-undici', 'volley run through undici instead of its own HTTP/1.1 client', {
    VOLLEY_HTTP_CLIENT: 'undici',
  }),
  {
    name: 'autocannon',
    description: 'autocannon (npm devDependency), one connection per user',
    unavailable: () => (existsSync(autocannonJs) ? null : 'autocannon not installed (npm install)'),
    command: (url, connections, seconds) => ({
      command: node,
      args: [autocannonJs, '-c', String(connections), '-d', String(seconds), url],
    }),
  },
  {
    name: 'wrk',
    description: 'wrk -t1 (C, no statistics per endpoint, no scripting)',
    unavailable: () => (which('wrk') === null ? 'wrk not found (apt-get install wrk)' : null),
    command: (url, connections, seconds) => ({
      command: which('wrk') ?? 'wrk',
      args: ['-t1', `-c${connections}`, `-d${seconds}s`, `${url}/`],
    }),
  },
  {
    name: 'hey',
    description: 'hey (Go)',
    unavailable: () => (which('hey') === null ? 'hey not found' : null),
    command: (url, connections, seconds) => ({
      command: which('hey') ?? 'hey',
      args: ['-c', String(connections), '-z', `${seconds}s`, `${url}/`],
    }),
  },
  locust('FastUser', 'Locust FastHttpUser (geventhttpclient)'),
  locust('SlowUser', 'Locust HttpUser (requests)'),
  {
    name: 'artillery',
    description: 'Artillery quick',
    unavailable: () => (which('artillery') === null ? 'artillery not found' : null),
    command: (url, connections) => ({
      command: which('artillery') ?? 'artillery',
      args: ['quick', '--count', String(connections), '--num', '1000000', `${url}/`],
    }),
  },
];
