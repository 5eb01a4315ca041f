/** Redaction rules: which names, headers and JSON paths hold secrets, and how their placeholders are spelled. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { defaultRedactionRules, type RedactionRules, Redactor } from '../../src/record/redaction.ts';

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
