/**
 * Secrets never reach a recording made by `volley run --record` (Authorization, Cookie, Set-Cookie,
 * --redact-header, --redact-json-path, default JSON fields), placeholders are stable per value so the recording still replays, and the file is
 * valid HAR 1.2 (har-schema, checked with ajv).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import type { RunSummary } from '../../src/metrics/summary.ts';
import type { Har } from '../../src/record/har.ts';
import { runCli } from '../helpers/cli.ts';
import { harSchemaErrors } from '../helpers/har-schema.ts';
import { runOffline } from '../helpers/offline-cli.ts';
import { startServer, type TestServer } from '../helpers/servers.ts';
import { type CounterServer, startCounterServer } from './fixtures/counter-server.ts';
import { type KeyServer, startKeyServer } from './fixtures/key-server.ts';

const SCENARIO = fileURLToPath(new URL('./fixtures/counter-scenario.ts', import.meta.url));
const KEY_SCENARIO = fileURLToPath(new URL('./fixtures/key-scenario.ts', import.meta.url));

describe('a recording', () => {
  let server: CounterServer;
  let dir: string;
  let har: string;
  let text: string;

  before(async () => {
    server = await startCounterServer();
    dir = mkdtempSync(join(tmpdir(), 'volley-redact-'));
    har = join(dir, 'run.har');
    const r = await runCli([
      'run',
      SCENARIO,
      '-H',
      server.url,
      '-u',
      '2',
      '-i',
      '2',
      '--record',
      har,
      '--redact-header',
      'x-secret',
      '--redact-json-path',
      '$.profile.ssn',
      '--only-summary',
    ]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    text = readFileSync(har, 'utf8');
  });

  after(async () => {
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('holds none of the secrets the server handed out', () => {
    assert.ok(server.secrets.length >= 8);
    for (const secret of server.secrets) assert.ok(!text.includes(secret), `secret ${secret} leaked`);
    assert.ok(!/pw-0\.\d+/.test(text), 'password field redacted');
  });

  test('is readable by its owner only (mode 0600)', () => {
    assert.equal(statSync(har).mode & 0o777, 0o600);
  });

  test('correlates: the token a login returned and the Authorization that sends it back share a placeholder', () => {
    const { entries } = (JSON.parse(text) as Har).log;
    const login = entries.find((e) => e._userId === 1 && e.request.url.endsWith('/login'));
    const count = entries.find((e) => e._userId === 1 && e.request.url.endsWith('/count'));
    assert.ok(login && count);
    const token = (JSON.parse(login.response.content.text ?? '{}') as { token: string }).token;
    assert.match(token, /^__REDACTED_\d+__$/);
    const auth = count.request.headers.find((h) => h.name === 'authorization')?.value;
    assert.equal(auth, `Bearer ${token}`);
    const setCookie = login.response.headers.find((h) => h.name === 'set-cookie')?.value ?? '';
    assert.match(setCookie, /^sid=__REDACTED_\d+__; Path=\/; HttpOnly$/);
    const sid = /sid=(__REDACTED_\d+__)/.exec(setCookie)?.[1];
    assert.equal(count.request.cookies.find((c) => c.name === 'sid')?.value, sid);
    assert.match(
      login.response.headers.find((h) => h.name === 'x-secret')?.value ?? '',
      /^__REDACTED_\d+__$/,
    );
  });

  test('still replays', async () => {
    const json = join(dir, 'replay.json');
    const r = await runCli(['run', SCENARIO, '--replay', har, '--only-summary', '--json-file', json]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const summary = JSON.parse(readFileSync(json, 'utf8')) as RunSummary;
    assert.equal(summary.aggregated.failures, 0);
    assert.deepEqual(summary.recording?.divergences, []);
  });

  test('is valid HAR 1.2 (har-schema)', async () => {
    assert.equal(await harSchemaErrors(JSON.parse(text)), null);
    const log = (JSON.parse(text) as Har).log;
    assert.equal(log.version, '1.2');
    assert.equal(log.creator.name, 'volley');
    for (const e of log.entries) {
      assert.ok(e.timings.wait >= 0 && e.timings.receive >= 0 && e.time >= 0);
      assert.ok(!Number.isNaN(Date.parse(e.startedDateTime)));
    }
  });
});

describe('a recording of secrets sent back in a path, a query string, headers and text/plain JSON', () => {
  let server: KeyServer;
  let dir: string;
  let har: string;
  let text: string;

  before(async () => {
    server = await startKeyServer();
    dir = mkdtempSync(join(tmpdir(), 'volley-keys-'));
    har = join(dir, 'keys.har');
    const r = await runCli([
      'run',
      KEY_SCENARIO,
      '-H',
      server.url,
      '-u',
      '2',
      '-i',
      '3',
      '--record',
      har,
      '--redact',
      '*pin*',
      '--no-redact',
      'sessionName',
      '--only-summary',
    ]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    text = readFileSync(har, 'utf8');
  });

  after(async () => {
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('holds none of the secrets, in any spelling, compressed bodies included', () => {
    assert.equal(server.secrets.length, 10);
    const compressed = (JSON.parse(text) as Har).log.entries
      .filter((e) => e.response.content.encoding === 'base64')
      .map((e) => gunzipSync(Buffer.from(e.response.content.text ?? '', 'base64')).toString());
    assert.equal(compressed.length, 2);
    const all = [text, ...compressed].join('\n');
    const leaks = server.secrets.flatMap((secret) => {
      const n = all.split(secret).length - 1 + all.split(encodeURIComponent(secret)).length - 1;
      return n > 0 ? [`${secret} ×${n}`] : [];
    });
    assert.deepEqual(leaks, []);
    assert.ok(!text.includes('correct horse'), 'the password sent as text/plain JSON');
  });

  test('keeps what --no-redact names, and says which rules it applied', () => {
    for (const name of server.sessionNames) assert.ok(text.includes(name), name);
    const rules = (JSON.parse(text) as Har).log._volley?.redacted;
    assert.ok(rules?.names?.includes('*pin*'));
    assert.ok(rules?.keep?.includes('sessionName'));
  });

  test('one placeholder per secret, wherever it went', () => {
    const { entries } = (JSON.parse(text) as Har).log;
    const login = entries.find((e) => e._userId === 1 && e.request.url.endsWith('/login'));
    const items = entries.find((e) => e._userId === 1 && e.request.url.includes('/items/'));
    assert.ok(login && items);
    const reply = JSON.parse(login.response.content.text ?? '{}') as {
      session: { accessToken: string };
      apiKey: string;
    };
    const token = reply.session.accessToken;
    const key = reply.apiKey;
    assert.match(token, /^__REDACTED_\d+__$/);
    assert.match(key, /^__REDACTED_\d+__$/);
    assert.equal(items.request.url, `${server.url}/items/${key}?access_token=${token}`);
    assert.deepEqual(items.request.queryString, [{ name: 'access_token', value: token }]);
    const header = (name: string) => items.request.headers.find((h) => h.name === name)?.value;
    assert.equal(header('x-auth-token'), token);
    assert.equal(header('x-api-key'), key);
    assert.equal(JSON.parse(items.response.content.text ?? '{}').note, `issued for ${key}`);
  });

  test('replays offline, every request matching', async () => {
    const json = join(dir, 'replay.json');
    const r = await runOffline(['run', KEY_SCENARIO, '--replay', har, '--only-summary', '--json-file', json]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const summary = JSON.parse(readFileSync(json, 'utf8')) as RunSummary;
    assert.equal(summary.aggregated.requests, 2 * 2 + 2 * 3 * 2);
    assert.equal(summary.aggregated.failures, 0);
    assert.deepEqual(summary.recording?.divergences, []);
    assert.equal(summary.recording?.replayed, 16);
  });
});

describe('a recording of a secret the scenario itself sends (from its environment)', () => {
  let server: TestServer;
  let dir: string;

  before(async () => {
    server = await startServer((req, res) => {
      req.resume();
      res.setHeader('content-type', 'application/json');
      res.end('{"ok":true}');
    });
    dir = mkdtempSync(join(tmpdir(), 'volley-env-key-'));
    writeFileSync(
      join(dir, 'env-key.ts'),
      `import { user } from 'volley';
const key = process.env.SERVICE_KEY ?? '';
export default user({ tasks: [async (vu) => {
  await vu.http.post(\`/v1/\${key}/things\`, { headers: { 'x-api-key': key }, json: { name: 'a' } });
  await vu.http.post('/v1/notes', { json: { apiKey: key, note: \`for \${key}\` } });
}] });
`,
    );
  });

  after(async () => {
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('is redacted in paths and bodies, and replays with the same environment', async () => {
    const har = join(dir, 'env-key.har');
    const env = { SERVICE_KEY: 'sk_live_4f9a1c2e7b' };
    const rec = await runCli(['run', 'env-key.ts', '-H', server.url, '-i', '2', '--record', har], {
      cwd: dir,
      env,
    });
    assert.equal(rec.code, 0, rec.stdout + rec.stderr);
    assert.ok(!readFileSync(har, 'utf8').includes(env.SERVICE_KEY));
    const json = join(dir, 'replay.json');
    const r = await runOffline(['run', join(dir, 'env-key.ts'), '--replay', har, '--json-file', json], env);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal((JSON.parse(readFileSync(json, 'utf8')) as RunSummary).recording?.replayed, 4);
  });
});
