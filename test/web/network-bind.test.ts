import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startWebCli, webScenario } from './web-cli.ts';

/**
 * Binding beyond loopback, for real: inside a network namespace of its own, the UI binds to a private
 * address (10.201.x.1) that exists nowhere else, and a client in the same namespace checks the token.
 */
const NS = `volley-web-test-${process.pid}`;
const ADDRESS = `10.201.${process.pid % 250}.1`;

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: 'pipe' });
}

function createNamespace(): string | false {
  try {
    ip('netns', 'add', NS);
  } catch (error) {
    return `ip netns is not permitted here (${(error as Error).message.split('\n')[0]})`;
  }
  ip('-n', NS, 'link', 'set', 'lo', 'up');
  try {
    ip('-n', NS, 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1');
    ip('-n', NS, 'addr', 'add', `${ADDRESS}/24`, 'dev', 'v0');
    ip('-n', NS, 'link', 'set', 'v0', 'up');
    ip('-n', NS, 'link', 'set', 'v1', 'up');
  } catch {
    // No veth support: the address on the namespace's own lo is still not a loopback address.
    ip('-n', NS, 'addr', 'add', `${ADDRESS}/32`, 'dev', 'lo');
  }
  return false;
}

const skip = createNamespace();
after(() => {
  if (!skip) ip('netns', 'del', NS);
});

let dir: string;
let client: string;
before(() => {
  dir = webScenario().dir;
  client = join(dir, 'client.mjs');
  // Runs inside the namespace: each line of argv[2] (JSON) is one request; prints the statuses.
  writeFileSync(
    client,
    `const checks = JSON.parse(process.argv[2]);
const out = [];
for (const c of checks) {
  const res = await fetch(c.url, { method: c.method ?? 'GET', headers: c.headers ?? {}, body: c.body, redirect: 'manual' });
  out.push(res.status);
}
console.log(JSON.stringify(out));
`,
  );
});

function statuses(
  checks: readonly { url: string; method?: string; headers?: Record<string, string>; body?: string }[],
) {
  const out = execFileSync('ip', ['netns', 'exec', NS, process.execPath, client, JSON.stringify(checks)], {
    encoding: 'utf8',
    timeout: 15_000,
  });
  return JSON.parse(out) as number[];
}

test('beyond loopback a token is generated, printed once, and required', {
  skip,
  timeout: 30_000,
}, async () => {
  const cli = await startWebCli(['scenario.ts', '--web-host', ADDRESS, '--web-port', '0'], {
    cwd: dir,
    prefix: ['ip', 'netns', 'exec', NS],
    timeoutMs: 25_000,
  });
  try {
    const url = new URL(cli.url);
    const token = url.searchParams.get('token') ?? '';
    assert.match(token, /^[\w-]{20,}$/, cli.stderr());
    assert.equal(cli.stderr().split(token).length, 2, 'printed exactly once');
    const base = `${url.origin}/`;
    const json = { 'content-type': 'application/json' };
    assert.deepEqual(
      statuses([
        { url: base },
        { url: `${base}api/state` },
        { url: `${base}api/state?token=wrong` },
        { url: `${base}api/stop`, method: 'POST', headers: json, body: '{}' },
        { url: `${base}api/state?token=${token}` },
        { url: cli.url },
        { url: `${base}api/state`, headers: { authorization: `Bearer ${token}` } },
        { url: `${base}download/stats.csv`, headers: { cookie: `volley_token_${url.port}=${token}` } },
        {
          url: `${base}api/stop`,
          method: 'POST',
          headers: { ...json, authorization: `Bearer ${token}`, origin: 'http://evil.example' },
          body: '{}',
        },
      ]),
      [401, 401, 401, 401, 200, 303, 200, 200, 403],
    );
  } finally {
    cli.child.kill('SIGINT');
  }
  assert.equal(await cli.exited, 0, cli.stderr());
});

test('--web-auth user:pass is the token: never printed, Basic auth works', {
  skip,
  timeout: 30_000,
}, async () => {
  const cli = await startWebCli(
    ['scenario.ts', '--web-host', ADDRESS, '--web-port', '0', '--web-auth', 'ops:hunter2'],
    { cwd: dir, prefix: ['ip', 'netns', 'exec', NS], timeoutMs: 25_000 },
  );
  try {
    assert.doesNotMatch(cli.stderr(), /hunter2|token=/);
    const basic = `Basic ${Buffer.from('ops:hunter2').toString('base64')}`;
    const wrong = `Basic ${Buffer.from('ops:nope').toString('base64')}`;
    assert.deepEqual(
      statuses([
        { url: `${cli.url}api/state` },
        { url: `${cli.url}api/state`, headers: { authorization: wrong } },
        { url: `${cli.url}api/state`, headers: { authorization: basic } },
      ]),
      [401, 401, 200],
    );
  } finally {
    cli.child.kill('SIGINT');
  }
  assert.equal(await cli.exited, 0, cli.stderr());
});
