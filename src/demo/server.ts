import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describeDbSpec, parseDbSpec } from './db-spec.ts';
import { DemoOptionError, RemoteBindRefusedError } from './errors.ts';
import { FaultRateError, type FaultRates, FaultSwitch } from './fault-switch.ts';
import { DEFAULT_PASSWORD_COST } from './passwords.ts';
import { loadPlatformTypes } from './platform-proto.ts';
import { PostgresStore } from './postgres-store.ts';
import { createRequestHandler } from './request-handler.ts';
import { Router } from './router.ts';
import { accountRoutes } from './routes/account-routes.ts';
import { basicRoutes } from './routes/basic-routes.ts';
import type { DemoDeps } from './routes/deps.ts';
import { knobRoutes } from './routes/knob-routes.ts';
import { platformRoutes } from './routes/platform-routes.ts';
import { studentRoutes } from './routes/student-routes.ts';
import { usersPostsRoutes } from './routes/users-posts-routes.ts';
import { SqliteStore } from './sqlite-store.ts';
import type { DemoStore } from './store.ts';
import { TokenIssuer } from './tokens.ts';

export interface DemoServerOptions {
  /** 0 picks a free port. Default 5000, the port of the Flask apps the demo mirrors. */
  port?: number;
  /** Default 127.0.0.1; anything but loopback needs `allowRemote`. */
  host?: string;
  /** `sqlite` (default, temporary file removed on close), `sqlite:FILE`, or `postgres://…`. */
  db?: string;
  /** Ensure this many seed students exist (student1@seed.volley.test …). */
  seedStudents?: number;
  /** HS256 secret for bearer tokens; random per process when absent. */
  jwtSecret?: string;
  /** Initial fault rates (see `POST /__faults`). */
  faults?: Partial<FaultRates>;
  /** Startup line and internal errors (never per-request lines). */
  log?: (line: string) => void;
  /** Allow a non-loopback `host`. */
  allowRemote?: boolean;
  /**
   * scrypt cost N of passwords (a power of two, 2 to 2^14; default 2^14, Node's: deliberately expensive). Tests
   * that sign many users up at once on a small machine set it low, so that hashing does not swamp the CPU.
   */
  passwordCost?: number;
}

export interface DemoServer {
  /** e.g. http://127.0.0.1:5000 */
  url: string;
  port: number;
  /** The database in use, password hidden. */
  db: string;
  /** Stops accepting, drops open connections, closes the database (and removes a temporary SQLite file). */
  close(): Promise<void>;
}

const LOOPBACK =
  /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|\[::1\]|localhost|::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3})$/i;
const MAX_SEED_STUDENTS = 1_000_000;

/**
 * Starts the reference target API of `volley demo`: one HTTP server with the basic, users/posts, students,
 * registration/login and protobuf platform endpoints (see src/demo/README.md).
 * @throws DemoOptionError (one-line message) for unusable options, an unreachable database, or a busy port.
 */
export async function startDemoServer(options: DemoServerOptions = {}): Promise<DemoServer> {
  const userLog = options.log ?? (() => undefined);
  let closed = false;
  // Requests cut off by close() may still fail against the closed database: that is not worth a log line.
  const log = (line: string) => {
    if (!closed) userLog(line);
  };
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 5000;
  if (!LOOPBACK.test(host) && options.allowRemote !== true) throw new RemoteBindRefusedError(host);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new DemoOptionError(`invalid port ${port}: use 0–65535 (0 picks a free port)`);
  }
  const seed = options.seedStudents ?? 0;
  if (!Number.isInteger(seed) || seed < 0 || seed > MAX_SEED_STUDENTS) {
    throw new DemoOptionError(
      `invalid seedStudents ${seed}: use a whole number from 0 to ${MAX_SEED_STUDENTS}`,
    );
  }
  if (options.jwtSecret === '') throw new DemoOptionError('jwtSecret must not be empty');
  const passwordCost = options.passwordCost ?? DEFAULT_PASSWORD_COST;
  if (
    !Number.isInteger(passwordCost) ||
    passwordCost < 2 ||
    passwordCost > DEFAULT_PASSWORD_COST ||
    (passwordCost & (passwordCost - 1)) !== 0
  ) {
    throw new DemoOptionError(
      `invalid passwordCost ${passwordCost}: use a power of two from 2 to ${DEFAULT_PASSWORD_COST}`,
    );
  }
  const faults = faultSwitchFrom(options.faults);
  const spec = parseDbSpec(options.db);
  const proto = loadPlatformTypes();

  const store: DemoStore =
    spec.kind === 'sqlite' ? new SqliteStore(spec.file) : await PostgresStore.open(spec.url, log);
  try {
    if (seed > 0) {
      const added = await store.seedStudents(seed);
      log(`demo: seeded ${added} students (${seed - added} already there)`);
    }
    const deps: DemoDeps = {
      store,
      tokens: new TokenIssuer(options.jwtSecret),
      proto,
      faults,
      passwordCost,
    };
    const router = new Router([
      ...basicRoutes(deps),
      ...usersPostsRoutes(deps),
      ...studentRoutes(deps),
      ...accountRoutes(deps),
      ...platformRoutes(deps),
      ...knobRoutes(deps),
    ]);
    const server = createServer({ keepAliveTimeout: 5_000 }, createRequestHandler(router, faults, log));
    const bound = await listen(server, port, host);
    const url = `http://${bound.includes(':') ? `[${bound}]` : bound}:${(server.address() as AddressInfo).port}`;
    const dbText = describeDbSpec(spec);
    log(`volley demo API listening on ${url} (db: ${dbText})`);

    let closing: Promise<void> | undefined;
    return {
      url,
      port: (server.address() as AddressInfo).port,
      db: dbText,
      close: () => {
        closing ??= (async () => {
          closed = true;
          const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
          server.closeAllConnections();
          await stopped;
          await store.close();
        })();
        return closing;
      },
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}

function faultSwitchFrom(rates: Partial<FaultRates> | undefined): FaultSwitch {
  try {
    return new FaultSwitch(rates);
  } catch (error) {
    if (error instanceof FaultRateError) throw new DemoOptionError(`invalid faults: ${error.message}`);
    throw error;
  }
}

/** Resolves with the host as bound; a busy or unusable address is a DemoOptionError. */
function listen(server: ReturnType<typeof createServer>, port: number, host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      const why =
        error.code === 'EADDRINUSE'
          ? `port ${port} is already in use: pick another with --port (0 picks a free one)`
          : `cannot listen on ${host}:${port}: ${error.code ?? error.message}`;
      reject(new DemoOptionError(why));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).address);
    });
  });
}
