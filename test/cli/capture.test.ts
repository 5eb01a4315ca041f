/**
 * `volley capture` in front of a service while `volley run` and plain clients send known traffic: what it
 * records (count, timings, concurrency, redaction), what it forwards (keep-alive, chunked uploads, HTTPS,
 * WebSocket upgrades), and that the HAR plays back.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startDemoServer } from '../../src/demo/server.ts';
import type { RunSummary } from '../../src/metrics/summary.ts';
import type { Har } from '../../src/record/har.ts';
import { type CliResult, runCli } from '../helpers/cli.ts';
import { harSchemaErrors } from '../helpers/har-schema.ts';
import { listenOnLoopback, startServer, type TestServer } from '../helpers/servers.ts';
import { selfSignedCertificate } from '../helpers/tls.ts';
import { until } from '../helpers/until.ts';

const SERVICE_DELAY_MS = 50;
const SECRET_TOKEN = 'tok-3f9a77c1d2e4b5a6';
const SECRET_PASSWORD = 'correct horse battery';
let service: TestServer;
let uploaded = 0;
const dir = mkdtempSync(join(tmpdir(), 'volley-capture-'));

before(async () => {
  service = await startServer((req, res) => {
    let bytes = 0;
    req.on('data', (d: Buffer) => {
      bytes += d.byteLength;
    });
    req.on('end', () => {
      if (req.url === '/upload') uploaded = bytes;
      setTimeout(() => {
        res.setHeader('content-type', 'application/json');
        if (req.url === '/login') res.end(JSON.stringify({ token: SECRET_TOKEN }));
        else res.end(JSON.stringify({ url: req.url, bytes }));
      }, SERVICE_DELAY_MS);
    });
  });
  // A WebSocket-style upgrade: 101, then every byte echoed.
  service.server.on('upgrade', (req, socket) => {
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nX-Path: ${req.url}\r\n\r\n`,
    );
    socket.on('data', (d) => socket.write(d));
  });
  writeFileSync(
    join(dir, 'scenario.ts'),
    `import { user } from 'volley';
export default user({
  onStart: async (vu) => { await vu.http.post('/login', { json: { user: 'ann', password: ${JSON.stringify(SECRET_PASSWORD)} } }); },
  tasks: [async (vu) => { await vu.http.get('/items/' + vu.id, { headers: { authorization: 'Bearer ${SECRET_TOKEN}' } }); }],
});
`,
  );
});
after(() => service.close());

interface Capture {
  url: string;
  /** SIGINT, then the command's result. */
  stop(): Promise<CliResult>;
}

/** `volley capture` in a child process, with the proxy's URL once it listens. */
async function capture(args: string[]): Promise<Capture> {
  let output = '';
  let stopNow: () => void = () => {};
  const stopped = new Promise<void>((resolve) => {
    stopNow = resolve;
  });
  const result = runCli(['capture', '--listen', '127.0.0.1:0', ...args], {
    cwd: dir,
    interruptWhen: stopped,
    onOutput: (o) => {
      output = o;
    },
  });
  let failed: unknown = null;
  result.catch((error) => {
    failed = error;
  });
  await until(() => /Ctrl-C to stop/.test(output) || failed !== null, 'the proxy to listen');
  if (failed !== null) throw failed;
  const url = /volley capture: (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1] ?? '';
  return {
    url,
    stop: async () => {
      stopNow();
      return result;
    },
  };
}

test('a run through the proxy is recorded: every exchange, real timings, the concurrency sent, secrets redacted', async () => {
  const proxy = await capture(['--upstream', service.url, '--out', 'run.har']);
  const run = await runCli(['run', 'scenario.ts', '-H', proxy.url, '-u', '4', '-i', '5', '--only-summary'], {
    cwd: dir,
  });
  assert.equal(run.code, 0, run.stdout + run.stderr);
  const stopped = await proxy.stop();
  assert.equal(stopped.code, 0, stopped.stderr);
  assert.match(stopped.stderr, /24 exchange\(s\) recorded in .*run\.har/);
  const file = join(dir, 'run.har');
  assert.equal(statSync(file).mode & 0o777, 0o600);
  const text = readFileSync(file, 'utf8');
  const har = JSON.parse(text) as Har;
  assert.equal(await harSchemaErrors(har), null);
  const entries = har.log.entries;
  assert.equal(entries.length, 24, '4 logins and 4 × 5 reads');
  assert.equal(entries.filter((e) => e.request.method === 'POST').length, 4);
  for (const e of entries) {
    assert.ok(e.request.url.startsWith(`${service.url}/`), e.request.url);
    assert.equal(e.response.status, 200);
    assert.ok(e.timings.wait >= SERVICE_DELAY_MS * 0.9, `wait ${e.timings.wait} ms`);
    assert.ok(e.time >= e.timings.wait, 'time covers the phases');
  }
  assert.ok(Math.max(...entries.map((e) => e._inFlight ?? 0)) >= 2, 'the 4 users overlapped');
  assert.ok(new Set(entries.map((e) => e.connection)).size <= 8, 'keep-alive: connections were reused');
  assert.ok(!text.includes(SECRET_TOKEN) && !text.includes(SECRET_PASSWORD), 'no secret in the file');
  assert.match(text, /__REDACTED_\d+__/);
  // And it plays back.
  const playback = await runCli(
    ['run', 'run.har', '-H', service.url, '--speed', '4', '--only-summary', '--json-file', 'played.json'],
    {
      cwd: dir,
    },
  );
  assert.equal(playback.code, 0, playback.stdout + playback.stderr);
  const played = JSON.parse(readFileSync(join(dir, 'played.json'), 'utf8'));
  assert.equal(played.aggregated.requests, 24);
  assert.deepEqual(
    played.endpoints.map((e: { method: string; name: string }) => `${e.method} ${e.name}`),
    ['GET /items/:id', 'POST /login'],
  );
});

test('chunked uploads stream through whole, WebSocket upgrades pass through unrecorded, --max-entries caps', async () => {
  uploaded = 0;
  const proxy = await capture([
    '--upstream',
    service.url,
    '--out',
    'stream.har',
    '--max-entries',
    '2',
    '--max-body',
    '64KB',
  ]);
  const upload = Buffer.alloc(3 * 1024 * 1024, 7);
  const chunks = Readable.from(
    (function* () {
      for (let i = 0; i < upload.length; i += 256 * 1024) yield upload.subarray(i, i + 256 * 1024);
    })(),
  );
  const response = await new Promise<string>((resolve, reject) => {
    const target = new URL(`${proxy.url}/upload`);
    const req = httpRequest(
      { host: target.hostname, port: target.port, method: 'PUT', path: '/upload' },
      (res) => {
        let body = '';
        res.on('data', (d) => {
          body += d;
        });
        res.on('end', () => resolve(body));
      },
    );
    req.on('error', reject);
    chunks.pipe(req);
  });
  assert.equal(JSON.parse(response).bytes, upload.length);
  assert.equal(uploaded, upload.length);
  const echoed = await new Promise<string>((resolve, reject) => {
    const target = new URL(proxy.url);
    const socket = connect(Number(target.port), target.hostname, () => {
      socket.write('GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n');
    });
    let seen = '';
    socket.on('data', (d) => {
      seen += d;
      if (seen.includes('\r\n\r\n') && !seen.includes('ping')) socket.write('ping');
      if (seen.endsWith('ping')) {
        socket.end();
        resolve(seen);
      }
    });
    socket.on('error', reject);
  });
  assert.match(echoed, /^HTTP\/1\.1 101 Switching Protocols\r\n[\s\S]*X-Path: \/ws\r\n\r\nping$/);
  for (let i = 0; i < 3; i++) assert.equal((await fetch(`${proxy.url}/after/${i}`)).status, 200);
  const stopped = await proxy.stop();
  assert.match(stopped.stderr, /--max-entries 2 reached/);
  const har = JSON.parse(readFileSync(join(dir, 'stream.har'), 'utf8')) as Har;
  assert.deepEqual(
    har.log.entries.map((e) => `${e.request.method} ${new URL(e.request.url).pathname}`),
    ['PUT /upload', 'GET /after/0'],
  );
  const put = har.log.entries[0];
  assert.equal(put?.request.bodySize, upload.length);
  assert.equal(put?.request.postData?._truncated, true);
});

test('an HTTPS upstream is forwarded and its TLS handshake timed; a token guards the proxy', async (t) => {
  const tls = selfSignedCertificate();
  if (tls === null) {
    t.skip('openssl is missing');
    return;
  }
  const secure = await listenOnLoopback(
    createHttpsServer(tls, (_req, res) => {
      res.end('secure');
    }),
    'https',
  );
  try {
    const proxy = await capture(['--upstream', secure.url, '--out', 'tls.har', '-k', '--token', 'let-me-in']);
    // Plain node:http: fetch turns a 407 into a network error, as the Fetch standard says.
    const refused = await get(`${proxy.url}/x`, {});
    assert.equal(refused.status, 407);
    assert.deepEqual(await get(`${proxy.url}/x`, { 'x-volley-token': 'let-me-in' }), {
      status: 200,
      body: 'secure',
    });
    assert.equal((await get(`${proxy.url}/y`, { 'proxy-authorization': 'Bearer let-me-in' })).status, 200);
    await proxy.stop();
    const har = JSON.parse(readFileSync(join(dir, 'tls.har'), 'utf8')) as Har;
    assert.deepEqual(
      har.log.entries.map((e) => e.request.url),
      [`${secure.url}/x`, `${secure.url}/y`],
    );
    assert.ok((har.log.entries[0]?.timings.ssl ?? -1) >= 0, 'the first exchange opened the TLS connection');
    assert.ok(!readFileSync(join(dir, 'tls.har'), 'utf8').includes('let-me-in'), 'the token is not recorded');
  } finally {
    await secure.close();
  }
});

function get(url: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers }, (res) => {
      let body = '';
      res.on('data', (d) => {
        body += d;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('capture refuses bad usage with one line and exit code 2', async () => {
  const cases: [string[], RegExp][] = [
    [['capture', '--out', 'x.har'], /--upstream URL: the service to forward to/],
    [['capture', '--upstream', 'ftp://x', '--out', 'x.har'], /--upstream: expected an http\(s\) URL/],
    [['capture', '--upstream', 'http://127.0.0.1:9'], /--out FILE\.har/],
    [
      ['capture', '--upstream', 'http://127.0.0.1:9', '--out', 'x.har', '--listen', 'nowhere'],
      /--listen: expected HOST:PORT/,
    ],
    [
      ['capture', '--upstream', 'http://127.0.0.1:9', '--out', 'x.har', '--rotate-size', 'big'],
      /--rotate-size: expected a size/,
    ],
    [
      ['capture', '--upstream', 'http://127.0.0.1:9', '--out', 'x.har', '--max-entries', '0'],
      /--max-entries: expected a whole number/,
    ],
  ];
  for (const [args, message] of cases) {
    const r = await runCli(args, { cwd: dir });
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
});

test('a secret a later response reveals is scrubbed from the exchanges already written, as in a recording', async () => {
  const proxy = await capture(['--upstream', service.url, '--out', 'late.har']);
  // Sent before anything says it is a secret: in the path, echoed in the response body.
  assert.equal((await fetch(`${proxy.url}/early/${SECRET_TOKEN}`)).status, 200);
  const file = join(dir, 'late.har');
  await until(() => {
    try {
      return readFileSync(file, 'utf8').includes(SECRET_TOKEN);
    } catch {
      return false;
    }
  }, 'the first exchange to be written as it was');
  const login = await fetch(`${proxy.url}/login`, { method: 'POST', body: '{}' });
  assert.equal(((await login.json()) as { token: string }).token, SECRET_TOKEN);
  await until(() => !readFileSync(file, 'utf8').includes(SECRET_TOKEN), 'the next rewrite to scrub it');
  const stopped = await proxy.stop();
  assert.equal(stopped.code, 0, stopped.stderr);
  const har = JSON.parse(readFileSync(file, 'utf8')) as Har;
  assert.equal(har.log.entries[0]?.request.url, `${service.url}/early/__REDACTED_1__`);
  assert.ok(!readFileSync(file, 'utf8').includes(SECRET_TOKEN));
});

test('in front of the demo API, curl’s and volley run’s traffic is recorded as sent: every exchange, its timings and overlap, no secret', async () => {
  const demo = await startDemoServer({ port: 0, seedStudents: 5, passwordCost: 1024 });
  try {
    const proxy = await capture(['--upstream', demo.url, '--out', 'demo.har']);
    const password = 'Demo-Pass-7f3e9a21c4';
    const curl = (args: string[]) =>
      new Promise<string>((resolve, reject) => {
        execFile('curl', ['-sS', '--fail-with-body', ...args], (error, stdout, stderr) =>
          error ? reject(new Error(`curl ${args.join(' ')}: ${stderr}${stdout}`)) : resolve(stdout),
        );
      });
    const form = ['-d', 'email=cap@demo.test', '-d', `password=${password}`];
    await curl([
      `${proxy.url}/client_registeration`,
      ...form,
      '-d',
      'fullName=Cap Ture',
      '-d',
      'userName=capture1',
      '-d',
      'phone=+15550100000',
    ]);
    const token = (JSON.parse(await curl([`${proxy.url}/client_login`, ...form])) as { token: string }).token;
    assert.ok(token.length >= 16, 'the demo hands out a token');
    await curl([`${proxy.url}/me`, '-H', `Authorization: Bearer ${token}`]);
    const run = await runCli(
      [
        'run',
        fileURLToPath(new URL('../../examples/users-posts/scenario.ts', import.meta.url)),
        '-H',
        proxy.url,
        '-u',
        '4',
        '-i',
        '8',
        '--only-summary',
        '--json-file',
        'demo-run.json',
      ],
      { cwd: dir, env: { THINK_TIME: '0' } },
    );
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const sent = (JSON.parse(readFileSync(join(dir, 'demo-run.json'), 'utf8')) as RunSummary).aggregated
      .requests;
    const stopped = await proxy.stop();
    assert.equal(stopped.code, 0, stopped.stderr);
    const text = readFileSync(join(dir, 'demo.har'), 'utf8');
    const entries = (JSON.parse(text) as Har).log.entries;
    assert.equal(entries.length, 3 + sent, `3 from curl and the ${sent} volley run counted`);
    assert.deepEqual(
      entries
        .slice(0, 3)
        .map((e) => `${e.request.method} ${new URL(e.request.url).pathname} ${e.response.status}`),
      ['POST /client_registeration 200', 'POST /client_login 200', 'GET /me 200'],
    );
    for (const e of entries) {
      assert.ok(e.request.url.startsWith(`${demo.url}/`), e.request.url);
      const { blocked = 0, send, wait, receive } = e.timings;
      assert.ok(blocked >= 0 && send >= 0 && wait >= 0 && receive >= 0, JSON.stringify(e.timings));
      assert.ok(e.time + 0.01 >= blocked + send + wait + receive, `time ${e.time} covers the phases`);
    }
    // curl's requests came one at a time; volley's 4 users overlapped.
    assert.deepEqual(
      entries.slice(0, 3).map((e) => e._inFlight),
      [1, 1, 1],
    );
    assert.ok(Math.max(...entries.slice(3).map((e) => e._inFlight ?? 0)) >= 2, 'the 4 users overlapped');
    assert.ok(!text.includes(password), 'the password is not in the file');
    assert.ok(!text.includes(token), 'the token is not in the file');
  } finally {
    await demo.close();
  }
});
