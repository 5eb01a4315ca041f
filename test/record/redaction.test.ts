/**
 * Secrets never reach a recording (Authorization, Cookie, Set-Cookie, --redact-header, --redact-json-path,
 * default JSON fields), placeholders are stable per value so the recording still replays, and the file is
 * valid HAR 1.2 (har-schema, checked with ajv).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { RunSummary } from '../../src/metrics/summary.ts';
import type { Har } from '../../src/record/har.ts';
import { Redactor } from '../../src/record/redaction.ts';
import { runCli } from '../helpers/cli.ts';
import { type CounterServer, startCounterServer } from './fixtures/counter-server.ts';

const SCENARIO = fileURLToPath(new URL('./fixtures/counter-scenario.ts', import.meta.url));
const require = createRequire(import.meta.url);

describe('redaction', () => {
  test('placeholders are stable per value; scheme, cookie names and attributes stay readable', () => {
    const r = new Redactor({
      headers: ['authorization', 'cookie', 'set-cookie', 'x-api-*'],
      jsonPaths: ['$..token', '$.a[*].pin'],
    });
    assert.equal(r.header('Authorization', 'Bearer abc'), 'Bearer <redacted:1>');
    assert.equal(r.header('cookie', 'sid=s1; theme=dark'), 'sid=<redacted:2>; theme=<redacted:3>');
    assert.equal(r.header('set-cookie', 'sid=s1; Path=/; HttpOnly'), 'sid=<redacted:2>; Path=/; HttpOnly');
    assert.equal(r.header('X-Api-Key', 'k'), '<redacted:4>');
    assert.equal(r.header('accept', 'text/html'), 'text/html');
    assert.equal(
      r.body('{"deep":{"token":"abc"},"a":[{"pin":"1"},{"pin":"2"}],"n":1}', 'application/json'),
      '{"deep":{"token":"<redacted:1>"},"a":[{"pin":"<redacted:5>"},{"pin":"<redacted:6>"}],"n":1}',
    );
    assert.equal(
      r.body('token=abc&x=1', 'application/x-www-form-urlencoded'),
      'token=%3Credacted%3A1%3E&x=1',
    );
    assert.equal(r.body('{"x":1}', 'application/json'), '{"x":1}');
  });

  test('a bad JSON path is a one-line error', () => {
    assert.throws(() => new Redactor({ headers: [], jsonPaths: ['token'] }), /must start with \$/);
    assert.throws(() => new Redactor({ headers: [], jsonPaths: ['$.a b'] }), /cannot parse/);
  });
});

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
    assert.match(token, /^<redacted:\d+>$/);
    const auth = count.request.headers.find((h) => h.name === 'authorization')?.value;
    assert.equal(auth, `Bearer ${token}`);
    const setCookie = login.response.headers.find((h) => h.name === 'set-cookie')?.value ?? '';
    assert.match(setCookie, /^sid=<redacted:\d+>; Path=\/; HttpOnly$/);
    const sid = /sid=(<redacted:\d+>)/.exec(setCookie)?.[1];
    assert.equal(count.request.cookies.find((c) => c.name === 'sid')?.value, sid);
    assert.match(login.response.headers.find((h) => h.name === 'x-secret')?.value ?? '', /^<redacted:\d+>$/);
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
    const { default: Ajv } = (await import('ajv')) as unknown as { default: new (o: object) => AjvLike };
    const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
    ajv.addMetaSchema(require('ajv/dist/refs/json-schema-draft-06.json') as object);
    const schemas = require('har-schema') as Record<string, { $id: string }>;
    for (const schema of Object.values(schemas)) ajv.addSchema(schema);
    const valid = ajv.validate('har.json#', JSON.parse(text));
    assert.ok(valid, JSON.stringify(ajv.errors?.slice(0, 5)));
    const log = (JSON.parse(text) as Har).log;
    assert.equal(log.version, '1.2');
    assert.equal(log.creator.name, 'volley');
    for (const e of log.entries) {
      assert.ok(e.timings.wait >= 0 && e.timings.receive >= 0 && e.time >= 0);
      assert.ok(!Number.isNaN(Date.parse(e.startedDateTime)));
    }
  });
});

interface AjvLike {
  addMetaSchema(schema: object): void;
  addSchema(schema: object): void;
  validate(ref: string, data: unknown): boolean;
  errors?: unknown[] | null;
}
