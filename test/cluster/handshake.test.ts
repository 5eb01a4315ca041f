/**
 * Who a coordinator takes, and who a worker trusts, over TCP on loopback: the cluster token proven both
 * ways, fixed indexes, refusals with reasons (and non-zero exits), checked statistics.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { coordinatorProof, newNonce, workerProof } from '../../src/cluster/cluster-auth.ts';
import { CLUSTER_PROTOCOL_VERSION } from '../../src/cluster/protocol.ts';
import { RunStats } from '../../src/metrics/run-stats.ts';
import type { RunSummary } from '../../src/metrics/summary.ts';
import { runCli } from '../helpers/cli.ts';
import { clusterFixture, killAll, type Proc, startNode, startVolley } from './cluster-procs.ts';
import { jsonLines } from './json-lines.ts';

const TOKEN = 'loopback-test-token';

/** Target and coordinator on loopback; resolves with the address workers connect to. */
async function start(
  args: string[],
  procs: Proc[],
  env: NodeJS.ProcessEnv = { VOLLEY_CLUSTER_TOKEN: TOKEN },
) {
  const dir = clusterFixture();
  const target = startNode([join(dir, 'target.mjs'), '127.0.0.1'], { cwd: dir });
  procs.push(target);
  const port = (await target.waitFor(/port (\d+)/, "the target's port"))[1];
  const coordinator = startVolley(
    ['run', 'scenario.ts', '-H', `http://127.0.0.1:${port}`, '-u', '2', '--master', '127.0.0.1:0', ...args],
    { cwd: dir, env },
  );
  procs.push(coordinator);
  const address = (
    await coordinator.waitFor(/volley worker --master (\S+:\d+)/, 'the coordinator listening')
  )[1] as string;
  const worker = (extra: string[], workerEnv: NodeJS.ProcessEnv = { VOLLEY_CLUSTER_TOKEN: TOKEN }) => {
    const p = startVolley(['worker', '--master', address, ...extra], { cwd: dir, env: workerEnv });
    procs.push(p);
    return p;
  };
  return { dir, coordinator, address, worker };
}

test('a worker with the wrong token refuses the coordinator and is refused; the right one runs', {
  timeout: 60_000,
}, async () => {
  const procs: Proc[] = [];
  try {
    // The token on the command line this time (the variable is the better place: see cluster.md).
    const { coordinator, worker, dir } = await start(
      ['-i', '2', '--json-file', 'out.json', '--cluster-token', TOKEN],
      procs,
      { VOLLEY_CLUSTER_TOKEN: '' },
    );
    const wrong = worker([], { VOLLEY_CLUSTER_TOKEN: 'not-the-token' });
    assert.equal(await wrong.exited, 1);
    assert.match(wrong.output(), /volley worker: the coordinator could not prove the cluster token/);
    await coordinator.waitFor(/refused worker .* wrong cluster token/, 'the refusal in the log');
    const right = worker(['--cluster-token', TOKEN], { VOLLEY_CLUSTER_TOKEN: '' });
    assert.equal(await coordinator.exited, 0, coordinator.output());
    assert.equal(await right.exited, 0, right.output());
    const report = readFileSync(join(dir, 'out.json'), 'utf8');
    assert.ok(!report.includes(TOKEN), 'the token is not in the report');
    assert.match(report, /--cluster-token \*\*\*/);
  } finally {
    await killAll(procs);
  }
});

test('a worker refuses a coordinator that cannot prove the token, before running anything', {
  timeout: 30_000,
}, async () => {
  // A rogue coordinator: it answers the hello with a proof made without the token.
  const connections: Socket[] = [];
  let hello: Record<string, unknown> | undefined;
  let afterChallenge: Record<string, unknown>[] = [];
  const server = createServer((socket) => {
    connections.push(socket);
    const peer = jsonLines(socket);
    void peer.next('hello').then((h) => {
      hello = h;
      const nonce = newNonce();
      peer.send({ type: 'challenge', nonce, proof: coordinatorProof('guessed', h.nonce as string, nonce) });
      afterChallenge = peer.received;
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const dir = clusterFixture();
  const worker = startVolley(['worker', '--master', `127.0.0.1:${port}`], {
    cwd: dir,
    env: { VOLLEY_CLUSTER_TOKEN: TOKEN },
  });
  try {
    assert.equal(await worker.exited, 1);
    assert.match(worker.output(), /could not prove the cluster token/);
    assert.equal(hello?.protocol, CLUSTER_PROTOCOL_VERSION);
    // It sent no proof of its own (nothing to replay or brute-force against) and never asked for work.
    assert.deepEqual(
      afterChallenge.map((m) => m.type),
      ['hello', 'error'],
    );
  } finally {
    await killAll([worker]);
    for (const s of connections) s.destroy();
    server.close();
  }
});

test('a coordinator listening beyond loopback without a cluster token is a usage error', async () => {
  const dir = clusterFixture();
  const r = await runCli(
    ['run', 'scenario.ts', '-H', 'http://127.0.0.1:9', '--master', '0.0.0.0:0', '--headless'],
    {
      cwd: dir,
      env: { VOLLEY_CLUSTER_TOKEN: '' },
    },
  );
  assert.equal(r.code, 2);
  assert.match(
    r.stderr,
    /--master 0\.0\.0\.0:0 listens beyond loopback: set a cluster token \(VOLLEY_CLUSTER_TOKEN/,
  );
});

test('duplicate, out-of-range and late workers are refused with a reason and exit 1; the run goes on', {
  timeout: 60_000,
}, async () => {
  const procs: Proc[] = [];
  try {
    const { coordinator, worker } = await start(
      ['-t', '4s', '--expect-workers', '2', '--json-file', 'out.json', '--print-every', '1s'],
      procs,
    );
    const first = worker(['--index', '0']);
    await coordinator.waitFor(/worker index 0 \(.*\) joined \(1 of 2\)/, 'the first worker joined');
    const duplicate = worker(['--index', '0']);
    assert.equal(await duplicate.exited, 1);
    assert.match(
      duplicate.output(),
      /volley worker: the coordinator refused this worker: index 0 is already taken by worker index 0 \(/,
    );
    const extra = worker(['--index', '2']);
    assert.equal(await extra.exited, 1);
    assert.match(extra.output(), /index 2 is out of range: --expect-workers 2 takes indexes 0 to 1/);
    // JOB_COMPLETION_INDEX, as a Kubernetes Indexed Job sets it, chooses the share.
    const second = worker([], { VOLLEY_CLUSTER_TOKEN: TOKEN, JOB_COMPLETION_INDEX: '1' });
    await coordinator.waitFor(/ {3}requests /, 'the run going');
    const late = worker([]);
    assert.equal(await late.exited, 1);
    assert.match(
      late.output(),
      /the run already has its 2 worker\(s\): this one came late or is one too many/,
    );
    assert.equal(await coordinator.exited, 0, coordinator.output());
    assert.deepEqual(await Promise.all([first.exited, second.exited]), [0, 0]);
    assert.match(coordinator.output(), /refused worker .*index 0 is already taken/);
  } finally {
    await killAll(procs);
  }
});

test('a worker of another protocol version is refused, and the others exit non-zero when the coordinator gives up', {
  timeout: 60_000,
}, async () => {
  const procs: Proc[] = [];
  const sockets: Socket[] = [];
  try {
    const { coordinator, address, worker } = await start(
      ['-i', '1', '--expect-workers', '2', '--wait-for-workers', '4s'],
      procs,
    );
    const good = worker([]);
    await good.waitFor(/connected to/, 'the good worker connected');
    const [host, port] = [
      address.slice(0, address.lastIndexOf(':')),
      Number(address.slice(address.lastIndexOf(':') + 1)),
    ];
    const socket = connect({ host, port });
    sockets.push(socket);
    const old = jsonLines(socket);
    old.send({ type: 'hello', protocol: 1, volleyVersion: '0.0.9', worker: 'old:1' });
    const refused = await old.next('refuse');
    assert.match(
      refused.reason as string,
      /^speaks cluster protocol 1 \(volley 0\.0\.9\), this coordinator \d+ \(volley [^)]+\): run the same volley version everywhere$/,
    );
    assert.equal(await coordinator.exited, 2);
    assert.match(coordinator.output(), /only 1 of 2 workers connected within 4 s \(--wait-for-workers\)/);
    assert.equal(await good.exited, 1);
    assert.match(
      good.output(),
      /the coordinator refused this worker: the coordinator gave up: only 1 of 2 workers/,
    );
  } finally {
    for (const s of sockets) s.destroy();
    await killAll(procs);
  }
});

test('a worker sending forged statistics (endpoints that do not add up to the total) is dropped and named; exit 3', {
  timeout: 60_000,
}, async () => {
  const procs: Proc[] = [];
  const sockets: Socket[] = [];
  try {
    const { coordinator, address, worker, dir } = await start(
      ['-t', '3s', '--expect-workers', '2', '--json-file', 'out.json'],
      procs,
    );
    const real = worker(['--index', '0']);
    const port = Number(address.slice(address.lastIndexOf(':') + 1));
    const socket = connect({ host: '127.0.0.1', port });
    sockets.push(socket);
    const rogue = jsonLines(socket);
    const nonce = newNonce();
    rogue.send({
      type: 'hello',
      protocol: CLUSTER_PROTOCOL_VERSION,
      volleyVersion: 'x',
      worker: 'rogue:1',
      index: 1,
      nonce,
    });
    const challenge = await rogue.next('challenge');
    rogue.send({ type: 'auth', proof: workerProof(TOKEN, challenge.nonce as string, nonce) });
    await rogue.next('assign');
    rogue.send({ type: 'ready', users: 1 });
    await rogue.next('start');
    const stats = new RunStats();
    stats.request('GET', '/a', 5, 10, null);
    const forged = stats.serialize();
    forged.aggregated.requests *= 1000;
    rogue.send({ type: 'stats', stats: forged, users: 1 });
    assert.equal(await coordinator.exited, 3, coordinator.output());
    assert.match(
      coordinator.output(),
      /error: worker index 1 \(rogue:1 at 127\.0\.0\.1:\d+\) sent an invalid message \(stats: its endpoints add up to 1 requests and 0 failures, its total says 1000 and 0\): dropped before the end of the run/,
    );
    const report = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as RunSummary;
    assert.equal(report.workers?.[1]?.state, 'lost');
    assert.equal(report.workers?.[1]?.requests, 0);
    assert.equal(
      report.endpoints.reduce((sum, e) => sum + e.requests, 0),
      report.aggregated.requests,
    );
    assert.equal(await real.exited, 0);
    assert.ok(rogue.closed());
  } finally {
    for (const s of sockets) s.destroy();
    await killAll(procs);
  }
});

test('a worker needs no scenario file: it runs the module the coordinator compiled, from an empty directory', {
  timeout: 60_000,
}, async () => {
  const procs: Proc[] = [];
  try {
    const { coordinator, address } = await start(['-i', '3', '--json-file', 'out.json'], procs);
    const empty = mkdtempSync(join(tmpdir(), 'volley-empty-'));
    const worker = startVolley(['worker', '--master', address], {
      cwd: empty,
      env: { VOLLEY_CLUSTER_TOKEN: TOKEN },
    });
    procs.push(worker);
    assert.equal(await worker.exited, 0, worker.output());
    assert.equal(await coordinator.exited, 0, coordinator.output());
    assert.deepEqual(readdirSync(empty), []);
  } finally {
    await killAll(procs);
  }
});

test('a worker never imports a path a coordinator names: without a compiled scenario it refuses to run', {
  timeout: 30_000,
}, async () => {
  // A coordinator that holds the token but names a module on the worker's disk instead of sending one.
  const dir = clusterFixture();
  const marker = join(dir, 'imported');
  writeFileSync(
    join(dir, 'evil.mjs'),
    `import { writeFileSync } from 'node:fs'; writeFileSync(${JSON.stringify(marker)}, 'x');`,
  );
  const sockets: Socket[] = [];
  let received: Record<string, unknown>[] = [];
  const server = createServer((socket) => {
    sockets.push(socket);
    const peer = jsonLines(socket);
    received = peer.received;
    void (async () => {
      const hello = await peer.next('hello');
      const nonce = newNonce();
      peer.send({ type: 'challenge', nonce, proof: coordinatorProof(TOKEN, hello.nonce as string, nonce) });
      await peer.next('auth');
      peer.send({
        type: 'assign',
        protocol: CLUSTER_PROTOCOL_VERSION,
        workerIndex: 0,
        workerCount: 1,
        scenario: join(dir, 'evil.mjs'),
        settings: { host: 'http://127.0.0.1:9', users: 1 },
      });
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const worker = startVolley(['worker', '--master', `127.0.0.1:${port}`], {
    cwd: dir,
    env: { VOLLEY_CLUSTER_TOKEN: TOKEN },
  });
  try {
    assert.equal(await worker.exited, 1);
    assert.match(
      worker.output(),
      /the coordinator sent no compiled scenario: give this worker its own with -f FILE/,
    );
    assert.ok(!existsSync(marker), 'the named module was not imported');
    assert.ok(received.some((m) => m.type === 'error'));
  } finally {
    await killAll([worker]);
    for (const s of sockets) s.destroy();
    server.close();
  }
});
