import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeOnBackends } from './backends.ts';
import { call, list, obj, uniqueEmail } from './http.ts';

describeOnBackends('users and posts', (server) => {
  async function createUser(name = 'Ada'): Promise<number> {
    const res = await call(server().url, 'POST', '/api/users', { json: { name, email: uniqueEmail() } });
    assert.equal(res.status, 201, res.text);
    return Number(obj(res).id);
  }

  test('POST /api/users creates a user with an id from the database', async () => {
    const email = uniqueEmail();
    const res = await call(server().url, 'POST', '/api/users', { json: { name: 'User 1', email } });
    assert.equal(res.status, 201);
    const user = obj(res);
    assert.equal(user.name, 'User 1');
    assert.equal(user.email, email);
    assert.equal(user.created, true);
    assert.equal(user.post_count, 0);
    assert.ok(Number.isInteger(user.id) && Number(user.id) > 0);

    const fetched = await call(server().url, 'GET', `/api/users/${user.id}`);
    assert.equal(fetched.status, 200);
    assert.equal(obj(fetched).email, email);
  });

  test('validation errors are 400 and name the field', async () => {
    const cases: [unknown, string][] = [
      [{ email: uniqueEmail() }, 'field "name" is required'],
      [{ name: 'x' }, 'field "email" is required'],
      [{ name: 'x', email: 'not-an-email' }, 'field "email" must be an email address'],
      [{ name: 42, email: uniqueEmail() }, 'field "name" must be a string'],
      [{ name: 'x'.repeat(101), email: uniqueEmail() }, 'field "name" must be at most 100 characters'],
    ];
    for (const [body, error] of cases) {
      const res = await call(server().url, 'POST', '/api/users', { json: body });
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.deepEqual(res.body, { error });
    }
    const notObject = await call(server().url, 'POST', '/api/users', { json: [1, 2] });
    assert.deepEqual([notObject.status, notObject.body], [400, { error: 'body must be a JSON object' }]);
    const broken = await call(server().url, 'POST', '/api/users', {
      body: '{"name":',
      headers: { 'content-type': 'application/json' },
    });
    assert.deepEqual([broken.status, broken.body], [400, { error: 'body is not valid JSON' }]);
  });

  test('a duplicate email is 409, whatever its letter case', async () => {
    const email = uniqueEmail();
    assert.equal(
      (await call(server().url, 'POST', '/api/users', { json: { name: 'a', email } })).status,
      201,
    );
    const again = await call(server().url, 'POST', '/api/users', {
      json: { name: 'b', email: email.toUpperCase() },
    });
    assert.equal(again.status, 409);
    assert.deepEqual(again.body, { error: `email ${email} is already taken` });
  });

  test('an unsupported content type is 415', async () => {
    const res = await call(server().url, 'POST', '/api/users', {
      body: 'name=x',
      headers: { 'content-type': 'text/plain' },
    });
    assert.equal(res.status, 415);
    assert.match(String(obj(res).error), /unsupported Content-Type "text\/plain": send application\/json/);
  });

  test('GET /api/users lists users; unknown and malformed ids are 404 and 400', async () => {
    const id = await createUser('Listed');
    const users = list(await call(server().url, 'GET', '/api/users'));
    assert.ok(users.some((u) => u.id === id && u.name === 'Listed'));
    const page = list(await call(server().url, 'GET', '/api/users?limit=1'));
    assert.equal(page.length, 1);

    const missing = await call(server().url, 'GET', '/api/users/999999');
    assert.deepEqual([missing.status, missing.body], [404, { error: 'user 999999 not found' }]);
    const bad = await call(server().url, 'GET', '/api/users/abc');
    assert.deepEqual([bad.status, bad.body], [400, { error: 'id must be a positive integer' }]);
    const badLimit = await call(server().url, 'GET', '/api/users?limit=-1');
    assert.equal(badLimit.status, 400);
  });

  test('posts are created per user and listed per user', async () => {
    const id = await createUser('Author');
    for (const n of [1, 2]) {
      const res = await call(server().url, 'POST', '/api/posts', {
        json: { user_id: id, title: `Post ${n}`, content: `Body ${n}` },
      });
      assert.equal(res.status, 201, res.text);
      assert.equal(obj(res).user_id, id);
      assert.equal(obj(res).title, `Post ${n}`);
    }
    const posts = list(await call(server().url, 'GET', `/api/users/${id}/posts`));
    assert.deepEqual(
      posts.map((p) => p.title),
      ['Post 1', 'Post 2'],
    );
    assert.equal(obj(await call(server().url, 'GET', `/api/users/${id}`)).post_count, 2);

    const missing = await call(server().url, 'GET', '/api/users/999999/posts');
    assert.equal(missing.status, 404);
  });

  test('a post for a missing author is rejected and nothing is written (one transaction)', async () => {
    const before = obj(await call(server().url, 'GET', '/api/stats'));
    const res = await call(server().url, 'POST', '/api/posts', {
      json: { user_id: 999999, title: 'Orphan', content: 'must not stay' },
    });
    assert.equal(res.status, 404);
    assert.deepEqual(res.body, { error: 'user 999999 not found: post not created' });
    const after = obj(await call(server().url, 'GET', '/api/stats'));
    assert.equal(after.total_posts, before.total_posts);
  });

  test('post validation names the field', async () => {
    const id = await createUser();
    const cases: [unknown, string][] = [
      [{ title: 't', content: 'c' }, 'field "user_id" is required'],
      [{ user_id: 'one', title: 't', content: 'c' }, 'field "user_id" must be a positive integer'],
      [{ user_id: 1.5, title: 't', content: 'c' }, 'field "user_id" must be a positive integer'],
      [{ user_id: id, content: 'c' }, 'field "title" is required'],
      [{ user_id: id, title: 't' }, 'field "content" is required'],
    ];
    for (const [body, error] of cases) {
      const res = await call(server().url, 'POST', '/api/posts', { json: body });
      assert.deepEqual([res.status, res.body], [400, { error }], JSON.stringify(body));
    }
  });

  test('GET /api/stats counts what was created', async () => {
    const before = obj(await call(server().url, 'GET', '/api/stats'));
    const id = await createUser();
    await call(server().url, 'POST', '/api/posts', { json: { user_id: id, title: 't', content: 'c' } });
    const after = obj(await call(server().url, 'GET', '/api/stats'));
    assert.equal(after.total_users, Number(before.total_users) + 1);
    assert.equal(after.total_posts, Number(before.total_posts) + 1);
    for (const key of ['total_students', 'total_accounts', 'total_food_records']) {
      assert.equal(typeof after[key], 'number', key);
    }
  });
});
