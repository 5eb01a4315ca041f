import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SignJWT } from 'jose';
import { describeOnBackends } from './backends.ts';
import { call, obj, uniqueEmail } from './http.ts';

const SECRET = 'accounts-test-secret';

async function signed(
  secret: string,
  subject: string,
  expiresAt: number,
  issuer = 'volley-demo',
): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(issuer)
    .setSubject(subject)
    .setIssuedAt(expiresAt - 3600)
    .setExpirationTime(expiresAt)
    .sign(new TextEncoder().encode(secret));
}

describeOnBackends(
  'registration and login',
  (server) => {
    async function register(email = uniqueEmail(), password = 'password123'): Promise<string> {
      const res = await call(server().url, 'POST', '/client_registeration', {
        body: new URLSearchParams({
          fullName: 'Test User',
          userName: 'testuser',
          email,
          password,
          phone: '1234567890',
        }),
      });
      assert.equal(res.status, 200, res.text);
      return email;
    }

    async function login(fields: Record<string, string>): Promise<string> {
      const res = await call(server().url, 'POST', '/client_login', { body: new URLSearchParams(fields) });
      assert.equal(res.status, 200, res.text);
      return String(obj(res).token);
    }

    test('registration takes a form body (as the Locust and k6 suites send it) and says "User Registered"', async () => {
      const email = uniqueEmail();
      const res = await call(server().url, 'POST', '/client_registeration', {
        body: new URLSearchParams({
          fullName: 'Jane Doe',
          userName: 'jane',
          email,
          password: 'Test@1234',
          phone: '+15550000',
        }),
      });
      assert.equal(res.status, 200);
      assert.equal(obj(res).msg, 'User Registered');
      assert.equal(obj(res).email, email);
      assert.equal(obj(res).userName, 'jane');
    });

    test('registration takes JSON too', async () => {
      const res = await call(server().url, 'POST', '/client_registeration', {
        json: { fullName: 'J', userName: 'j', email: uniqueEmail(), password: 'password123' },
      });
      assert.equal(res.status, 200);
    });

    test('invalid registrations are 400 naming the field', async () => {
      const empty = await call(server().url, 'POST', '/client_registeration', {
        body: new URLSearchParams({ fullName: '', userName: '', email: '', password: '', phone: '' }),
      });
      assert.deepEqual([empty.status, empty.body], [400, { error: 'field "fullName" is required' }]);
      const short = await call(server().url, 'POST', '/client_registeration', {
        json: { fullName: 'a', userName: 'b', email: uniqueEmail(), password: 'short' },
      });
      assert.deepEqual(
        [short.status, short.body],
        [400, { error: 'field "password" must be at least 8 characters' }],
      );
      const noEmail = await call(server().url, 'POST', '/client_registeration', {
        json: { fullName: 'a', userName: 'b', password: 'password123' },
      });
      assert.deepEqual(noEmail.body, { error: 'field "email" is required' });
    });

    test('registering an email twice is 409', async () => {
      const email = await register();
      const again = await call(server().url, 'POST', '/client_registeration', {
        json: { fullName: 'a', userName: 'b', email, password: 'password123' },
      });
      assert.deepEqual([again.status, again.body], [409, { error: `email ${email} is already taken` }]);
    });

    test('login returns a bearer JWT that opens GET /me; by email or by userName', async () => {
      const email = await register();
      const res = await call(server().url, 'POST', '/client_login', {
        body: new URLSearchParams({ userName: 'testuser', email, password: 'password123' }),
      });
      assert.equal(res.status, 200);
      const body = obj(res);
      assert.equal(body.msg, 'Login Successful');
      assert.equal(body.token_type, 'Bearer');
      assert.equal(body.expires_in, 3600);
      assert.match(String(body.token), /^[\w-]+\.[\w-]+\.[\w-]+$/);

      const me = await call(server().url, 'GET', '/me', { token: String(body.token) });
      assert.equal(me.status, 200);
      assert.equal(obj(me).email, email);
      assert.equal(obj(me).full_name, 'Test User');
      assert.equal(obj(me).phone, '1234567890');
      assert.equal(obj(me).provider, 'password');
      assert.equal('password_hash' in obj(me), false);

      const byName = await login({ userName: 'testuser', password: 'password123' });
      assert.equal((await call(server().url, 'GET', '/me', { token: byName })).status, 200);
    });

    test('bad credentials are 401 with the same message for unknown email and wrong password', async () => {
      const email = await register();
      for (const fields of [
        { email, password: 'wrong-password' },
        { email: uniqueEmail('nobody'), password: 'password123' },
      ]) {
        const res = await call(server().url, 'POST', '/client_login', { json: fields });
        assert.deepEqual([res.status, res.body], [401, { error: 'invalid email or password' }]);
      }
      const missing = await call(server().url, 'POST', '/client_login', { json: { password: 'x' } });
      assert.deepEqual(
        [missing.status, missing.body],
        [400, { error: 'field "email" is required (or "userName")' }],
      );
    });

    test('GET /me rejects a missing, malformed, foreign-signed or expired token with 401', async () => {
      const email = await register();
      const now = Math.floor(Date.now() / 1000);
      const cases: [Record<string, string>, string][] = [
        [{}, 'missing bearer token (send Authorization: Bearer <token>)'],
        [
          { authorization: 'Basic dXNlcjpwYXNz' },
          'missing bearer token (send Authorization: Bearer <token>)',
        ],
        [{ authorization: 'Bearer not-a-jwt' }, 'invalid token'],
        [
          { authorization: `Bearer ${await signed('some-other-secret', email, now + 600)}` },
          'invalid token signature',
        ],
        [{ authorization: `Bearer ${await signed(SECRET, email, now - 10)}` }, 'token expired'],
        [
          { authorization: `Bearer ${await signed(SECRET, email, now + 600, 'someone-else')}` },
          'invalid token',
        ],
      ];
      for (const [headers, error] of cases) {
        const res = await call(server().url, 'GET', '/me', { headers });
        assert.deepEqual([res.status, res.body], [401, { error }], JSON.stringify(headers));
        assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer /);
      }
      // The same secret and a live expiry do open it: the rejections above are about the token, not the account.
      const valid = await signed(SECRET, email, now + 600);
      assert.equal((await call(server().url, 'GET', '/me', { token: valid })).status, 200);
    });

    test('a valid token for an account this database does not have is 404 on /me', async () => {
      const token = await signed(SECRET, uniqueEmail('ghost'), Math.floor(Date.now() / 1000) + 600);
      const res = await call(server().url, 'GET', '/me', { token });
      assert.equal(res.status, 404);
    });

    test('login bodies other than JSON or form are 415', async () => {
      const res = await call(server().url, 'POST', '/client_login', {
        body: 'email=x',
        headers: { 'content-type': 'text/plain' },
      });
      assert.equal(res.status, 415);
      assert.match(String(obj(res).error), /application\/json or application\/x-www-form-urlencoded/);
    });
  },
  { jwtSecret: SECRET },
);
