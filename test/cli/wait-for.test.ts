import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { expandBareWaitFor } from '../../src/cli/wait-for.ts';
import { runCli } from '../helpers/cli.ts';
import { closedPort, startServer, type TestServer } from '../helpers/servers.ts';

const dir = mkdtempSync(join(tmpdir(), 'volley-wait-'));
writeFileSync(
  join(dir, 'get.ts'),
  "import { user } from 'volley';\nexport default user({ tasks: [async (vu) => { await vu.http.get('/items'); }] });\n",
);

/** Answers /health with 503 until it has been asked `failFirst` times, then 200; counts the load. */
let server: TestServer;
let healthAsked = 0;
let failFirst = 0;
let items = 0;
let itemsBeforeHealthy = 0;
before(async () => {
  server = await startServer((req, res) => {
    if (req.url === '/health') {
      healthAsked += 1;
      res.statusCode = healthAsked > failFirst ? 200 : 503;
    } else {
      items += 1;
      if (healthAsked <= failFirst) itemsBeforeHealthy += 1;
    }
    res.end('ok');
  });
});
after(() => server.close());

test('a bare --wait-for takes no value; one followed by a URL or /path takes it', () => {
  assert.deepEqual(expandBareWaitFor(['s.ts', '--wait-for']), ['s.ts', '--wait-for=']);
  assert.deepEqual(expandBareWaitFor(['--wait-for', '-u', '2']), ['--wait-for=', '-u', '2']);
  assert.deepEqual(expandBareWaitFor(['--wait-for', 's.ts']), ['--wait-for=', 's.ts']);
  assert.deepEqual(expandBareWaitFor(['--wait-for', '/health']), ['--wait-for', '/health']);
  assert.deepEqual(expandBareWaitFor(['--wait-for', 'http://a/b']), ['--wait-for', 'http://a/b']);
});

test('run --wait-for /health polls until it answers below 400, says so, then starts', async () => {
  healthAsked = 0;
  failFirst = 3;
  items = 0;
  itemsBeforeHealthy = 0;
  const r = await runCli(
    ['run', 'get.ts', '-H', server.url, '-i', '2', '--wait-for', '/health', '--only-summary'],
    {
      cwd: dir,
    },
  );
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stderr,
    new RegExp(`^volley: waiting for ${server.url}/health to answer \\(up to 60s\\)…$`, 'm'),
  );
  assert.match(
    r.stderr,
    new RegExp(`^volley: ${server.url}/health answered 200 after \\d+\\.\\ds; starting$`, 'm'),
  );
  assert.equal(healthAsked, 4);
  assert.equal(items, 2);
  assert.equal(itemsBeforeHealthy, 0);
});

test('a bare --wait-for waits for the host itself (any HTTP answer)', async () => {
  const r = await runCli(['run', 'get.ts', '-H', server.url, '-i', '1', '--wait-for', '--only-summary'], {
    cwd: dir,
  });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, new RegExp(`^volley: ${server.url} answered 200 after`, 'm'));
});

test('a host that never answers: one line naming the last error, exit 2, nothing run', async () => {
  const port = await closedPort();
  const r = await runCli(
    ['run', 'get.ts', '-H', `http://127.0.0.1:${port}`, '-t', '5s', '--wait-for', '--wait-timeout', '1s'],
    { cwd: dir },
  );
  assert.equal(r.code, 2, r.stderr);
  assert.equal(
    r.stderr.trim().split('\n').at(-1),
    `volley: --wait-for: http://127.0.0.1:${port} did not answer within 1s (last: connection refused (ECONNREFUSED 127.0.0.1:${port})); is the server up? (--wait-timeout sets the limit)`,
  );
  assert.doesNotMatch(r.stdout, /Aggregated/);
});

test('verify --wait-for waits too', async () => {
  healthAsked = 0;
  failFirst = 1;
  const r = await runCli(['verify', 'get.ts', '-H', server.url, '--wait-for', `${server.url}/health`], {
    cwd: dir,
  });
  assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stderr, /answered 200 after/);
  assert.equal(healthAsked, 2);
});

test('--wait-timeout alone is a usage error', async () => {
  const r = await runCli(['run', 'get.ts', '-H', server.url, '-i', '1', '--wait-timeout', '5s'], {
    cwd: dir,
  });
  assert.equal(r.code, 2);
  assert.equal(r.stderr.trim(), 'volley: --wait-timeout: only with --wait-for [URL]');
});
