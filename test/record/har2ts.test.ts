/**
 * `volley har2ts`: a browser-style HAR (static assets, a third-party host, a CORS preflight, a redirect,
 * think-time gaps, a token and a CSRF header handed out by the server) becomes a readable scenario that
 * runs against the live server with zero failures; and a HAR recorded from an example does too.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type DemoServer, startDemoServer } from '../../src/demo/server.ts';
import type { RunSummary } from '../../src/metrics/summary.ts';
import type { Har, HarEntry } from '../../src/record/har.ts';
import { harToScenario } from '../../src/record/har2ts.ts';
import { runCli } from '../helpers/cli.ts';
import { type CounterServer, startCounterServer } from './fixtures/counter-server.ts';

const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));

function entry(
  at: number,
  method: string,
  url: string,
  init: {
    status?: number;
    mime?: string;
    body?: unknown;
    post?: unknown;
    headers?: Record<string, string>;
    responseHeaders?: Record<string, string>;
    type?: string;
  } = {},
): HarEntry {
  const text =
    init.body === undefined ? '' : typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
  const responseHeaders = Object.entries(init.responseHeaders ?? {}).map(([name, value]) => ({
    name,
    value,
  }));
  return {
    startedDateTime: new Date(Date.UTC(2026, 0, 1) + at).toISOString(),
    time: 20,
    request: {
      method,
      url,
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: [
        { name: 'User-Agent', value: 'Mozilla/5.0' },
        { name: 'Accept-Language', value: 'en' },
        ...Object.entries(init.headers ?? {}).map(([name, value]) => ({ name, value })),
      ],
      queryString: [],
      ...(init.post !== undefined
        ? { postData: { mimeType: 'application/json', text: JSON.stringify(init.post) } }
        : {}),
      headersSize: -1,
      bodySize: -1,
    },
    response: {
      status: init.status ?? 200,
      statusText: 'OK',
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: responseHeaders,
      content: { size: text.length, mimeType: init.mime ?? 'application/json', text },
      redirectURL: init.responseHeaders?.location ?? '',
      headersSize: -1,
      bodySize: -1,
    },
    cache: {},
    timings: { send: 0, wait: 15, receive: 5 },
    ...(init.type ? { _resourceType: init.type } : {}),
  };
}

/** What a browser would have recorded using the counter API. */
function browserHar(origin: string): Har {
  const token = 'f00dfeedcafe0123456789ab';
  return {
    log: {
      version: '1.2',
      creator: { name: 'WebInspector', version: '537.36' },
      entries: [
        entry(0, 'GET', `${origin}/app.js`, { mime: 'application/javascript', body: 'x()', type: 'script' }),
        entry(10, 'GET', `${origin}/logo.png`, { mime: 'image/png', type: 'image' }),
        entry(20, 'GET', 'https://fonts.example.com/css?family=Inter', {
          mime: 'text/css',
          type: 'stylesheet',
        }),
        entry(30, 'GET', 'https://analytics.example.net/collect?v=1', { mime: 'text/plain', type: 'xhr' }),
        entry(100, 'OPTIONS', `${origin}/login`, { status: 204 }),
        entry(150, 'POST', `${origin}/login`, {
          post: { user: 1, password: 'pw' },
          body: { token, profile: { ssn: 'x' } },
          responseHeaders: { 'x-secret': 'csrf-0123456789abcdef', 'content-type': 'application/json' },
          type: 'fetch',
        }),
        // 3 s of reading the page: a new task.
        entry(3200, 'POST', `${origin}/count`, {
          headers: { Authorization: `Bearer ${token}`, 'X-Csrf': 'csrf-0123456789abcdef' },
          post: { email: 'alice-1@example.test', n: 1 },
          body: { count: 7 },
          type: 'fetch',
        }),
        entry(3300, 'GET', `${origin}/me`, {
          headers: { Authorization: `Bearer ${token}` },
          body: { ok: true },
        }),
      ],
    },
  };
}

describe('har2ts', () => {
  let counter: CounterServer;
  let demo: DemoServer;
  let dir: string;

  before(async () => {
    counter = await startCounterServer();
    demo = await startDemoServer({ port: 0 });
    dir = mkdtempSync(join(tmpdir(), 'volley-har2ts-'));
  });

  after(async () => {
    await counter?.close();
    await demo?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('drops static assets, third parties and preflights; splits at gaps; correlates token and header', () => {
    const code = harToScenario(browserHar('http://127.0.0.1:5000'), { source: 'capture.har' });
    assert.doesNotMatch(
      code,
      /app\.js|logo\.png|fonts\.example|analytics|OPTIONS|User-Agent|Accept-Language/i,
    );
    assert.match(code, /dropped: 2 static, 2 third-party, 1 other/);
    assert.match(code, /task\(\{ name: '1\. POST \/login' \}/);
    assert.match(code, /task\(\{ name: '2\. POST \/count' \}/);
    assert.match(code, /await vu\.sleep\(3\); \/\/ think time as recorded/);
    assert.match(code, /vu\.state\.token = pick\(r\d+, 'token'\);/);
    assert.match(code, /vu\.state\.xSecret = String\(r\d+\.headers\['x-secret'\] \?\? ''\);/);
    assert.match(code, /authorization: `Bearer \$\{vu\.state\.token\}`/);
    assert.match(code, /'x-csrf': vu\.state\.xSecret/);
    assert.match(code, /vu\.state\.email = unique\.email\('alice', 'example\.test'\);/);
    assert.match(code, /interface Journey \{\n {2}token: string;/);
  });

  test('the scenario from a browser HAR runs against the live server with zero failures', async () => {
    const file = join(dir, 'browser.ts');
    const harFile = join(dir, 'browser.har');
    writeFileSync(harFile, JSON.stringify(browserHar(counter.url)));
    const converted = await runCli(['har2ts', harFile, '--gap', '2']);
    assert.equal(converted.code, 0, converted.stderr);
    writeFileSync(file, converted.stdout);
    await runAndExpectNoFailures(file, counter.url, ['-u', '2', '-i', '4']);
  });

  test('a HAR recorded from an example converts into a scenario that runs with zero failures and names endpoints as its playback does', async () => {
    const harFile = join(dir, 'users-posts.har');
    const rec = await runCli(
      [
        'run',
        join(EXAMPLES, 'users-posts/scenario.ts'),
        '-H',
        demo.url,
        '-u',
        '1',
        '-i',
        '4',
        '--record',
        harFile,
        '--only-summary',
      ],
      { env: { THINK_TIME: '0' } },
    );
    assert.equal(rec.code, 0, rec.stdout + rec.stderr);
    const converted = await runCli(['har2ts', harFile]);
    assert.equal(converted.code, 0, converted.stderr);
    assert.match(converted.stdout, /vu\.state\.userId = pick\(r\d+, 'id'\);/);
    assert.match(converted.stdout, /unique\.email\('journey'/);
    const file = join(dir, 'users-posts.ts');
    writeFileSync(file, converted.stdout);
    const scenario = await runAndExpectNoFailures(file, demo.url, ['-u', '2', '-i', '2']);
    // Playback of the same HAR names the same endpoints, by the same rule (ids as :id).
    const json = join(dir, 'played.json');
    const played = await runCli([
      'run',
      harFile,
      '-H',
      demo.url,
      '--speed',
      '100',
      '--only-summary',
      '--json-file',
      json,
    ]);
    // The recording's sign-up replays the same e-mail (409, a failure): the names are what counts here.
    assert.ok(played.code === 0 || played.code === 1, played.stdout + played.stderr);
    const names = (summary: RunSummary) => summary.endpoints.map((e) => `${e.method} ${e.name}`).sort();
    const playback = JSON.parse(readFileSync(json, 'utf8')) as RunSummary;
    assert.deepEqual(names(scenario), names(playback));
    assert.ok(names(playback).includes('GET /api/users/:id/posts'), names(playback).join(', '));
  });
});

async function runAndExpectNoFailures(file: string, host: string, args: string[]): Promise<RunSummary> {
  const json = `${file}.json`;
  const r = await runCli(['run', file, '-H', host, ...args, '--only-summary', '--json-file', json]);
  assert.equal(r.code, 0, `${readFileSync(file, 'utf8')}\n${r.stdout}\n${r.stderr}`);
  const summary = JSON.parse(readFileSync(json, 'utf8')) as RunSummary;
  assert.ok(summary.aggregated.requests > 0);
  assert.equal(summary.aggregated.failures, 0);
  assert.deepEqual(summary.exceptions, []);
  return summary;
}
