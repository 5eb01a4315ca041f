/** Redaction rules: which names, headers and JSON paths hold secrets, and how their placeholders are spelled. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { defaultRedactionRules, type RedactionRules, Redactor } from '../../src/record/redaction.ts';
import {
  DEFAULT_KEPT_NAMES,
  DEFAULT_REDACTED_HEADERS,
  DEFAULT_REDACTED_NAMES,
} from '../../src/record/secret-names.ts';

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

describe('redaction, rule by rule', () => {
  test('the default rules are the default names, kept names and headers, plus what is added', () => {
    const defaults = rules();
    assert.deepEqual(defaults.names, DEFAULT_REDACTED_NAMES);
    assert.deepEqual(defaults.keep, DEFAULT_KEPT_NAMES);
    assert.deepEqual(defaults.headers, DEFAULT_REDACTED_HEADERS);
    assert.deepEqual(defaults.jsonPaths, []);
    const more = rules({ names: ['pin'], keep: ['token_type'], headers: ['x-a'], jsonPaths: ['$.b'] });
    assert.deepEqual(more.names, [...DEFAULT_REDACTED_NAMES, 'pin']);
    assert.deepEqual(more.keep, [...DEFAULT_KEPT_NAMES, 'token_type']);
    assert.deepEqual(more.headers, [...DEFAULT_REDACTED_HEADERS, 'x-a']);
    assert.deepEqual(more.jsonPaths, ['$.b']);
  });

  test('an empty pattern is refused under the option that gave it', () => {
    assert.throws(() => new Redactor(rules({ keep: ['*'] })), /--no-redact: "\*" names nothing/);
    assert.throws(() => new Redactor(rules({ headers: ['*'] })), /--redact-header: "\*" names nothing/);
  });

  test('empty values and placeholders are not secrets to learn', () => {
    const r = new Redactor(rules());
    assert.equal(r.secret(''), '');
    assert.equal(r.secret('__REDACTED_9__'), '__REDACTED_9__');
    assert.equal(r.secret('a real secret'), '__REDACTED_1__');
    assert.deepEqual([...r.learned()], [['a real secret', '__REDACTED_1__']]);
  });

  test('only secrets of 8 characters or more are replaced in free text', () => {
    const r = new Redactor(rules());
    r.secret('1234567');
    r.secret('12345678');
    assert.deepEqual(r.knownSecrets(), [['12345678', '__REDACTED_2__']]);
    assert.equal(r.text('pin 1234567, code 12345678'), 'pin 1234567, code __REDACTED_2__');
  });

  test('user info in a URL: the password, or the user name alone when there is no password', () => {
    const r = new Redactor(rules());
    assert.equal(r.url('http://alice:s3cret-pass@h/'), 'http://alice:__REDACTED_1__@h/');
    assert.equal(r.url('https://only-a-token-0123@h/x'), 'https://__REDACTED_2__@h/x');
    assert.equal(r.url('/go?to=http://bob:pw@other/'), '/go?to=http://bob:pw@other/', 'only at the start');
  });

  test('query and fragment parameters from the first character on; a path is not a query', () => {
    const r = new Redactor(rules());
    assert.equal(r.url('?password=hunter2222'), '?password=__REDACTED_1__');
    assert.equal(r.url('#access_token=abcdefgh99'), '#access_token=__REDACTED_2__');
    assert.equal(r.url('/reset/password=newpassword1'), '/reset/password=newpassword1');
    assert.equal(r.url('/a?mytokens&x=1'), '/a?mytokens&x=1', 'a parameter without a value');
  });

  test('query values are decoded before they are learned: + is a space, bad escapes are kept as sent', () => {
    const r = new Redactor(rules());
    r.url('/login?password=correct+horse+battery');
    assert.equal(r.text('said correct horse battery'), 'said __REDACTED_1__');
    assert.equal(r.url('/login?password=%E0%A4%Azzzzzzzz'), '/login?password=__REDACTED_2__');
    assert.equal(r.text('%E0%A4%Azzzzzzzz'), '__REDACTED_2__');
  });

  test('a learned secret is replaced where it appears JSON-escaped inside a longer string', () => {
    const r = new Redactor(rules());
    r.json({ password: 'pa"ss\\word123' });
    assert.equal(r.text('{"note":"was pa\\"ss\\\\word123 then"}'), '{"note":"was __REDACTED_1__ then"}');
  });

  test('URL headers have their query redacted; other headers are left alone', () => {
    const r = new Redactor(rules());
    for (const [i, name] of ['Location', 'Content-Location', 'Referer'].entries()) {
      assert.equal(r.header(name, `/cb?token=value-of-${name}`), `/cb?token=__REDACTED_${i + 1}__`, name);
    }
    assert.equal(r.header('X-Next', '/cb?token=not-a-url-header'), '/cb?token=not-a-url-header');
  });

  test('Authorization keeps its scheme (Proxy-Authorization too); other secret headers are replaced whole', () => {
    const r = new Redactor(rules());
    assert.equal(r.header('Proxy-Authorization', 'Basic dXNlcjpwYXNz'), 'Basic __REDACTED_1__');
    assert.equal(r.header('Authorization', 'justatoken12'), '__REDACTED_2__');
    assert.equal(r.header('Authorization', '12 Basic abcdefgh'), '__REDACTED_3__');
    assert.equal(r.header('X-Api-Key', 'key with-space'), '__REDACTED_4__');
  });

  test('cookies: pairs split with or without a space, valueless ones kept, names trimmed, values learned trimmed', () => {
    const r = new Redactor(rules({ keep: ['theme'] }));
    assert.equal(
      r.header('Cookie', 'sid=cookie-value-1;theme =dark; flag; =orphan-value'),
      'sid=__REDACTED_1__; theme =dark; flag; =__REDACTED_2__',
    );
    r.header('Set-Cookie', 'session= spaced-value-2; Path=/');
    assert.equal(r.text('cookie-value-1 spaced-value-2'), '__REDACTED_1__ __REDACTED_3__');
  });

  test('JSON bodies by type, or sent as text/plain (any charset) or untyped; JSON in other types is text', () => {
    const r = new Redactor(rules());
    const json = '{"password":"pw-in-json-1"}';
    assert.equal(r.body(json, 'application/json'), '{"password":"__REDACTED_1__"}');
    assert.equal(r.body(`  ${json}`, 'text/plain; charset=utf-8'), '{"password":"__REDACTED_1__"}');
    assert.equal(r.body('[{"password":"pw-in-json-2"}]', ''), '[{"password":"__REDACTED_2__"}]');
    assert.equal(r.body('{"password":"pw-in-json-3"}', 'x-unknown'), '{"password":"__REDACTED_3__"}');
    assert.equal(r.body('{"password":"pw-in-html-4"}', 'text/html'), '{"password":"pw-in-html-4"}');
    assert.equal(r.body('{"password": broken', 'application/json'), '{"password": broken');
    assert.equal(r.body('password=pw-in-csv-5', 'text/csv'), 'password=pw-in-csv-5');
  });

  test('JSON keeps numbers, booleans and null; a "__proto__" key is data, replaceable by a JSON path', () => {
    const r = new Redactor(rules({ jsonPaths: ['$.__proto__'] }));
    assert.deepEqual(r.json({ n: 1, ok: true, none: null, list: [2, false] }), {
      n: 1,
      ok: true,
      none: null,
      list: [2, false],
    });
    const out = r.body('{"__proto__":"proto-secret-1","a":{"password":"x-secret-22"}}', 'application/json');
    assert.equal(out, '{"__proto__":"__REDACTED_2__","a":{"password":"__REDACTED_1__"}}');
  });

  test('form bodies (any charset): secret names, and the fields that one-step JSON paths name', () => {
    const r = new Redactor(rules({ jsonPaths: ['$.card', '$.items[0]'] }));
    assert.equal(
      r.body(
        'card=4111111111111111&password=form-pw-1&items=x',
        'application/x-www-form-urlencoded; charset=utf-8',
      ),
      'card=__REDACTED_1__&password=__REDACTED_2__&items=x',
    );
    const all = new Redactor(rules({ jsonPaths: ['$.*'] }));
    assert.equal(
      all.body('a=1&b=2', 'application/x-www-form-urlencoded'),
      'a=__REDACTED_1__&b=__REDACTED_2__',
    );
  });

  test('multipart fields by name, not file references, not values that merely look secret', () => {
    const r = new Redactor(rules());
    const body = [
      'password=multi-pw-123',
      'avatar=@photo.png',
      'password=@secret.txt',
      'comment=password123',
      'note',
    ].join('\n');
    assert.equal(
      r.body(body, 'multipart/form-data; boundary=x'),
      [
        'password=__REDACTED_1__',
        'avatar=@photo.png',
        'password=@secret.txt',
        'comment=password123',
        'note',
      ].join('\n'),
    );
    assert.equal(r.text('again multi-pw-123'), 'again __REDACTED_1__');
  });

  test('a body value is redacted exactly when its name is a secret name, however the name is spelled or escaped', () => {
    // Bodies without a secret name in them are not parsed (the names' hint): it must never miss one.
    const words = [
      'pass',
      'word',
      'token',
      'api',
      'key',
      'auth',
      'or',
      'session',
      'id',
      's',
      'sig',
      'x',
      'csrf',
    ];
    const spelled = fc
      .array(
        fc.record({
          word: fc.constantFrom(...words),
          upper: fc.constantFrom('lower', 'UPPER', 'Capital'),
          separator: fc.constantFrom('', '_', '-', ' ', '.', '  '),
        }),
        { minLength: 1, maxLength: 4 },
      )
      .map((parts) =>
        parts
          .map(({ word, upper, separator }, i) => {
            const cased =
              upper === 'UPPER'
                ? word.toUpperCase()
                : upper === 'Capital'
                  ? word[0]?.toUpperCase() + word.slice(1)
                  : word;
            return (i === 0 ? '' : separator) + cased;
          })
          .join(''),
      );
    const VALUE = 'v4lue-0123456789';
    fc.assert(
      fc.property(
        spelled,
        fc.constantFrom('plain', 'unicode-escaped', 'percent-encoded'),
        (name, spelling) => {
          const r = new Redactor(rules());
          const secret = r.isSecretName(name);
          const first = name.charCodeAt(0).toString(16).padStart(4, '0');
          const json =
            spelling === 'unicode-escaped'
              ? `{"data":{"\\u${first}${JSON.stringify(name).slice(2)}:"${VALUE}"}}`
              : JSON.stringify({ data: { [name]: VALUE } });
          const form =
            spelling === 'percent-encoded'
              ? `%${name.charCodeAt(0).toString(16)}${encodeURIComponent(name.slice(1))}=${VALUE}`
              : `${encodeURIComponent(name).replaceAll('%20', '+')}=${VALUE}`;
          const jsonOut = r.body(json, 'application/json');
          const formOut = r.body(form, 'application/x-www-form-urlencoded');
          assert.equal(!jsonOut.includes(VALUE), secret, `${name} in ${json} → ${jsonOut}`);
          assert.equal(!formOut.includes(VALUE), secret, `${name} in ${form} → ${formOut}`);
        },
      ),
      { numRuns: 500 },
    );
  });

  test('a header keeps its value as it is unless it is secret, a cookie or a URL, whatever its case', () => {
    const r = new Redactor(rules());
    for (const name of ['Content-Type', 'x-request-id', 'Access-Control-Allow-Credentials', 'ETag'])
      assert.equal(r.keepsHeaderValue(name), true, name);
    for (const name of [
      'Cookie',
      'cookie',
      'Set-Cookie',
      'set-cookie',
      'Location',
      'content-location',
      'Referer',
      'Authorization',
      'X-Api-Key',
      'x-auth-token',
    ])
      assert.equal(r.keepsHeaderValue(name), false, name);
  });

  test('the secrets learned are handed out in the order learned, from any count on', () => {
    const r = new Redactor(rules());
    assert.equal(r.learnedCount, 0);
    assert.deepEqual(r.learnedSince(0), []);
    r.secret('first-secret-1');
    r.secret('second-secret-2');
    r.secret('first-secret-1');
    r.secret('third-secret-3');
    assert.equal(r.learnedCount, 3);
    assert.deepEqual(r.learnedSince(0), [
      ['first-secret-1', '__REDACTED_1__'],
      ['second-secret-2', '__REDACTED_2__'],
      ['third-secret-3', '__REDACTED_3__'],
    ]);
    assert.deepEqual(r.learnedSince(2), [['third-secret-3', '__REDACTED_3__']]);
    assert.deepEqual(r.learnedSince(3), []);
  });

  test('a finder sees only the secrets learned after its count, long enough, in every spelling', () => {
    const r = new Redactor(rules());
    r.secret('early-secret/1');
    assert.equal(r.finderSince(1), null, 'nothing learned since');
    r.secret('short');
    assert.equal(r.finderSince(1), null, 'too short to scrub');
    r.secret('late "secret"/2');
    const finder = r.finderSince(1);
    assert.ok(finder !== null);
    assert.equal(finder.foundIn('a path /late%20%22secret%22%2F2/x'), true, 'URL-encoded');
    assert.equal(finder.foundIn('a form late+%22secret%22%2F2&x=1'), true, 'form-encoded');
    assert.equal(finder.foundIn(JSON.stringify({ v: 'late "secret"/2' })), true, 'inside a JSON string');
    assert.equal(finder.foundIn('raw late "secret"/2 here'), true, 'as it is');
    assert.equal(finder.foundIn('early-secret/1 and short'), false, 'learned before the count, or short');
    assert.ok(r.finderSince(0)?.foundIn('early-secret/1'), 'from 0: the early one too');
  });
});
