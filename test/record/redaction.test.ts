/**
 * Secrets never reach a recording (Authorization, Cookie, Set-Cookie, --redact-header, --redact-json-path,
 * default JSON fields), placeholders are stable per value so the recording still replays, and the file is
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
import { defaultRedactionRules, type RedactionRules, Redactor } from '../../src/record/redaction.ts';
import { runCli } from '../helpers/cli.ts';
import { harSchemaErrors } from '../helpers/har-schema.ts';
import { runOffline } from '../helpers/offline-cli.ts';
import { startServer, type TestServer } from '../helpers/servers.ts';
import { type CounterServer, startCounterServer } from './fixtures/counter-server.ts';
import { type KeyServer, startKeyServer } from './fixtures/key-server.ts';

const SCENARIO = fileURLToPath(new URL('./fixtures/counter-scenario.ts', import.meta.url));
const KEY_SCENARIO = fileURLToPath(new URL('./fixtures/key-scenario.ts', import.meta.url));

const rules = (extra: Partial<RedactionRules> = {}) => defaultRedactionRules(extra);

describe('redaction', () => {
  test('names that look secret are secrets, whatever their case, separators or camelCase; author is not auth', () => {
    const r = new Redactor(rules());
    const secret = [
      'password',
      'Password',
      'user_password',
      'passwd',
      'mysql_pwd',
      'passphrase',
      'client_secret',
      'clientSecret',
      'credentials',
      'access_token',
      'accessToken',
      'refresh_token',
      'id_token',
      'X-Auth-Token',
      'X-CSRF-Token',
      'XSRF-TOKEN',
      'csrftoken',
      '_csrf',
      'api_key',
      'apiKey',
      'APIKey',
      'apikey',
      'X-Api-Key',
      'AWSAccessKeyId',
      'private_key',
      'privateKey',
      'auth',
      'authToken',
      'auth_code',
      'basic_auth',
      'x-auth-user',
      'Authorization',
      'Proxy-Authorization',
      'session',
      'sessionId',
      'x-session-id',
      'session_key',
      'PHPSESSID',
      'JSESSIONID',
      'connect.sid',
      'sid',
      'Signature',
      'X-Goog-Signature',
      'X-Amz-Signature',
      'sig',
      'jwt',
    ];
    for (const name of secret) assert.ok(r.isSecretName(name), `${name} is a secret`);
    const plain = [
      'author',
      'authorId',
      'authority',
      'name',
      'email',
      'id',
      'page',
      'sessions',
      'content-type',
      'location',
      'key',
      'cookie',
      'Access-Control-Allow-Credentials',
    ];
    for (const name of plain) assert.ok(!r.isSecretName(name), `${name} is not a secret`);
    for (const name of ['Cookie', 'Set-Cookie', 'X-Auth-Token']) assert.ok(r.isSecretHeader(name), name);
  });

  test('JSON at any depth, whole subtrees under a secret name, in requests and responses, also sent as text/plain', () => {
    const r = new Redactor(rules());
    const body = JSON.stringify({
      user: 'ann',
      data: { profile: { apiKey: 'k-1234567890' }, list: [{ refreshToken: 'r-1234567890' }] },
      credentials: { user: 'ann', pass: 'p-1234567890' },
      count: 3,
    });
    const expected = JSON.stringify({
      user: 'ann',
      data: { profile: { apiKey: '__REDACTED_1__' }, list: [{ refreshToken: '__REDACTED_2__' }] },
      credentials: { user: '__REDACTED_3__', pass: '__REDACTED_4__' },
      count: 3,
    });
    assert.equal(r.body(body, 'application/json; charset=utf-8'), expected);
    assert.equal(r.body(body, 'text/plain'), expected);
    assert.equal(r.body(body, ''), expected);
    assert.equal(r.body('{ "x": 1 }', 'application/json'), '{ "x": 1 }', 'untouched JSON keeps its spelling');
    assert.deepEqual(r.json({ nested: [{ password: 'hunter2' }] }), {
      nested: [{ password: '__REDACTED_5__' }],
    });
    assert.equal(
      r.body('{"__proto__":{"token":"t-1234567890"}}', 'application/json'),
      '{"__proto__":{"token":"__REDACTED_6__"}}',
      'a __proto__ key is data',
    );
  });

  test('query and fragment parameters, form and multipart fields by name; the rest keeps its exact spelling', () => {
    const r = new Redactor(rules());
    assert.equal(
      r.url('http://h/a%20b/c?q=x%20y&access_token=t%2B1234567&page=2#id_token=abcdefgh1&state=s'),
      'http://h/a%20b/c?q=x%20y&access_token=__REDACTED_1__&page=2#id_token=__REDACTED_2__&state=s',
    );
    assert.equal(r.url('/search?signature=sig-value-1&x=1'), '/search?signature=__REDACTED_3__&x=1');
    assert.equal(r.url('https://ann:pw-1234567@h/x'), 'https://ann:__REDACTED_4__@h/x');
    assert.equal(
      r.body('user=ann&password=p%40ss+word&x=%20', 'application/x-www-form-urlencoded'),
      'user=ann&password=__REDACTED_5__&x=%20',
    );
    assert.equal(
      r.body(
        'note=hi\napi_key=k-multipart-1\nfile=@a.txt;type=text/plain;size=1;sha256=00',
        'multipart/form-data',
      ),
      'note=hi\napi_key=__REDACTED_6__\nfile=@a.txt;type=text/plain;size=1;sha256=00',
    );
  });

  test('headers: by name like fields; the auth scheme, cookie names and attributes stay readable', () => {
    const r = new Redactor(rules({ headers: ['x-internal-*'] }));
    assert.deepEqual(
      r.headers([
        { name: 'Authorization', value: 'Bearer abcdefgh' },
        { name: 'X-Auth-Token', value: 'tok-12345678' },
        { name: 'x-csrf-token', value: 'csrf-1234567' },
        { name: 'Cookie', value: 'sid=s1; theme=dark' },
        { name: 'x-internal-id', value: 'i' },
        { name: 'Location', value: '/next?token=tok-12345678' },
        { name: 'Accept', value: 'text/html' },
      ]),
      [
        { name: 'Authorization', value: 'Bearer __REDACTED_1__' },
        { name: 'X-Auth-Token', value: '__REDACTED_2__' },
        { name: 'x-csrf-token', value: '__REDACTED_3__' },
        { name: 'Cookie', value: 'sid=__REDACTED_4__; theme=__REDACTED_5__' },
        { name: 'x-internal-id', value: '__REDACTED_6__' },
        { name: 'Location', value: '/next?token=__REDACTED_2__' },
        { name: 'Accept', value: 'text/html' },
      ],
    );
    assert.equal(r.header('set-cookie', 'sid=s1; Path=/; HttpOnly'), 'sid=__REDACTED_4__; Path=/; HttpOnly');
  });

  test('a value redacted anywhere is replaced everywhere after, in every spelling, by the same placeholder', () => {
    const r = new Redactor(rules());
    const token = 'a+b/c=d tok';
    assert.equal(r.header('x-auth-token', token), '__REDACTED_1__');
    assert.equal(r.url(`http://h/keys/${encodeURIComponent(token)}/x`), 'http://h/keys/__REDACTED_1__/x');
    assert.equal(r.url('http://h/q?for=a%2Bb%2Fc%3Dd+tok'), 'http://h/q?for=__REDACTED_1__');
    assert.equal(
      r.body(JSON.stringify({ note: `for ${token}` }), 'application/json'),
      '{"note":"for __REDACTED_1__"}',
    );
    assert.equal(r.header('x-echo', `was ${token}`), 'was __REDACTED_1__');
    assert.equal(r.text(`log: ${token}.`), 'log: __REDACTED_1__.');
    assert.deepEqual(r.knownSecrets(), [[token, '__REDACTED_1__']]);
    assert.equal(r.text('short'), 'short');
  });

  test('a secret that contains another is replaced whole', () => {
    const r = new Redactor(rules());
    r.secret('abcdefgh');
    r.secret('abcdefgh-longer');
    assert.equal(r.text('x abcdefgh-longer y abcdefgh z'), 'x __REDACTED_2__ y __REDACTED_1__ z');
  });

  test('placeholders pass through encodeURIComponent, URLSearchParams and JSON unchanged', () => {
    const p = new Redactor(rules()).secret('some secret value');
    assert.equal(encodeURIComponent(p), p);
    assert.equal(new URLSearchParams({ p }).toString(), `p=${p}`);
    assert.equal(JSON.stringify(p), `"${p}"`);
  });

  test('--redact adds patterns, --no-redact keeps a field or a cookie; header and JSON path rules still apply', () => {
    const r = new Redactor(
      rules({ names: ['*pin*'], keep: ['sessionName', 'theme', 'x-api-key'], jsonPaths: ['$.profile.ssn'] }),
    );
    assert.ok(r.isSecretName('pinCode'));
    assert.ok(!r.isSecretName('session_name'));
    assert.ok(!r.isSecretHeader('X-Api-Key'));
    assert.equal(r.header('cookie', 'sid=s1; theme=dark'), 'sid=__REDACTED_1__; theme=dark');
    assert.equal(
      r.body('{"pinCode":"1","sessionName":"blue","profile":{"ssn":"9"}}', 'application/json'),
      '{"pinCode":"__REDACTED_2__","sessionName":"blue","profile":{"ssn":"__REDACTED_3__"}}',
    );
    const kept = new Redactor(rules({ keep: ['cookie'] }));
    assert.equal(
      kept.header('cookie', 'sid=s1; theme=dark'),
      'sid=__REDACTED_1__; theme=dark',
      'sid by its name',
    );
  });

  test('numbers placeholders after those of a recording being extended, old <redacted:N> ones too', () => {
    const r = new Redactor(rules());
    r.continueAfter('{"a":"__REDACTED_3__","b":"<redacted:7>"}');
    assert.equal(r.secret('new secret'), '__REDACTED_8__');
  });

  test('compared with a recording, every secret is the wildcard', () => {
    const r = new Redactor(rules(), { wildcard: true });
    assert.equal(r.url('/x?token=abcdefgh12'), '/x?token=__REDACTED__');
    assert.equal(r.text('/keys/abcdefgh12'), '/keys/__REDACTED__');
  });

  test('a bad JSON path or an empty pattern is a one-line error', () => {
    assert.throws(() => new Redactor(rules({ jsonPaths: ['token'] })), /must start with \$/);
    assert.throws(() => new Redactor(rules({ jsonPaths: ['$.a b'] })), /cannot parse/);
    assert.throws(() => new Redactor(rules({ names: ['*'] })), /--redact: "\*" names nothing/);
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
