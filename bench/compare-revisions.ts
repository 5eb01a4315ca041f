/**
 * Throughput of two revisions of volley side by side, when the peers of `npm run bench` (nginx…) are not
 * installed: `node bench/compare-revisions.ts BASE [REV=HEAD] [--rounds 6] [--window 5]`.
 *
 * Both revisions run at once, each pinned to core 0 so that the scheduler gives them the same share under
 * the same noise, each against its own canned HTTP/1.1 server (in this process, on core 1), with 64 users
 * and the minimal scenario. A round counts the requests each server answered in the same window after a
 * warm-up; the figure is the median over rounds of REV ÷ BASE. Which server and which start-up order each
 * revision gets alternates between rounds. The compile cache is off: a checkout whose code comes from it
 * ran a few per cent slower than an identical copy compiled afresh.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { cpuSeconds, sleep, spawnPinned, stop } from './lib/procs.ts';
import { spread } from './lib/stats.ts';

const ROOT = new URL('..', import.meta.url).pathname;
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { rounds: { type: 'string', default: '6' }, window: { type: 'string', default: '5' } },
});
const [baseRev, rev = 'HEAD'] = positionals;
if (!baseRev) {
  process.stderr.write(
    'usage: node bench/compare-revisions.ts BASE [REV=HEAD] [--rounds N] [--window SECONDS]\n',
  );
  process.exit(2);
}
const ROUNDS = Number(values.rounds);
const WINDOW_SEC = Number(values.window);
const WARMUP_SEC = 2;
const RESPONSE = Buffer.from(
  'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 40\r\nconnection: keep-alive\r\n\r\n{"ok":true,"pad":"xxxxxxxxxxxxxxxxxxxx"}',
);

/** A server answering every request with the same 40-byte JSON body, counting what it answered. */
async function cannedServer(): Promise<{ url: string; served: () => number; server: Server }> {
  let served = 0;
  const server = createServer((socket) => {
    let tail = '';
    socket.setNoDelay(true);
    socket.on('data', (chunk) => {
      const text = tail + chunk.toString('latin1');
      let from = 0;
      for (let at = text.indexOf('\r\n\r\n'); at !== -1; at = text.indexOf('\r\n\r\n', from)) {
        from = at + 4;
        served += 1;
        socket.write(RESPONSE);
      }
      tail = text.slice(from);
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { url: `http://127.0.0.1:${address.port}`, served: () => served, server };
}

/** A checkout of `revision` in a temporary directory, using this checkout's node_modules. */
function checkout(revision: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'volley-rev-'));
  execFileSync('sh', ['-c', `git -C "${ROOT}" archive "${revision}" | tar -x -C "${dir}"`]);
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

const median = (xs: readonly number[]) => spread(xs).median;
const dirs = { base: checkout(baseRev), rev: checkout(rev) };
const servers = [await cannedServer(), await cannedServer()] as const;
const ratios: number[] = [];
const cpuRatios: number[] = [];
try {
  for (let round = 0; round < ROUNDS; round++) {
    const sides = round % 2 === 0 ? (['base', 'rev'] as const) : (['rev', 'base'] as const);
    const serverOf = {
      [sides[0]]: servers[Math.floor(round / 2) % 2],
      [sides[1]]: servers[(Math.floor(round / 2) + 1) % 2],
    } as Record<'base' | 'rev', (typeof servers)[number]>;
    const children = Object.fromEntries(
      sides.map((side) => [
        side,
        spawnPinned(
          0,
          process.execPath,
          [
            'bin/volley.js',
            'run',
            'bench/scenarios/minimal.ts',
            '--headless',
            '-u',
            '64',
            '-H',
            serverOf[side].url,
            '-t',
            '10m',
            '--only-summary',
          ],
          { cwd: dirs[side], env: { ...process.env, NO_COLOR: '1', NODE_DISABLE_COMPILE_CACHE: '1' } },
        ),
      ]),
    ) as Record<'base' | 'rev', ReturnType<typeof spawnPinned>>;
    const before = { base: serverOf.base.served(), rev: serverOf.rev.served() };
    while (serverOf.base.served() === before.base || serverOf.rev.served() === before.rev) await sleep(20);
    await sleep(WARMUP_SEC * 1000);
    const start = sides.map((side) => ({
      side,
      served: serverOf[side].served(),
      cpu: cpuOf(children[side].pid),
    }));
    await sleep(WINDOW_SEC * 1000);
    const got = Object.fromEntries(
      start.map(({ side, served, cpu }) => {
        const requests = serverOf[side].served() - served;
        return [side, { requests, cpuUsPerRequest: ((cpuOf(children[side].pid) - cpu) * 1e6) / requests }];
      }),
    ) as Record<'base' | 'rev', { requests: number; cpuUsPerRequest: number }>;
    await Promise.all(sides.map((side) => stop(children[side], 'SIGKILL')));
    ratios.push(got.rev.requests / got.base.requests);
    cpuRatios.push(got.base.cpuUsPerRequest / got.rev.cpuUsPerRequest);
    process.stdout.write(
      `round ${round + 1}: ${baseRev} ${(got.base.requests / WINDOW_SEC).toFixed(0)} req/s (${got.base.cpuUsPerRequest.toFixed(1)} µs/req), ` +
        `${rev} ${(got.rev.requests / WINDOW_SEC).toFixed(0)} req/s (${got.rev.cpuUsPerRequest.toFixed(1)} µs/req), ratio ${ratios.at(-1)?.toFixed(3)}\n`,
    );
  }
  process.stdout.write(
    `median same-round ratio ${rev} ÷ ${baseRev}: requests ${median(ratios).toFixed(3)}, CPU per request (${baseRev} ÷ ${rev}) ${median(cpuRatios).toFixed(3)}\n`,
  );
} finally {
  for (const s of servers) s.server.close();
  rmSync(dirs.base, { recursive: true, force: true });
  rmSync(dirs.rev, { recursive: true, force: true });
}

function cpuOf(pid: number | undefined): number {
  const cpu = pid === undefined ? null : cpuSeconds(pid);
  return cpu === null ? 0 : cpu.user + cpu.system;
}
