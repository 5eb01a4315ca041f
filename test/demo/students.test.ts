import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeOnBackends } from './backends.ts';
import { call, list, obj, uniqueEmail } from './http.ts';

const SEEDED = 25;

describeOnBackends(
  'students',
  (server) => {
    async function create(extra: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
      const res = await call(server().url, 'POST', '/students', {
        json: { name: 'Test User', domain: 'Engineering', gpa: 8.5, email: uniqueEmail('student'), ...extra },
      });
      assert.equal(res.status, 201, res.text);
      return obj(res);
    }

    test('the server seeds students with unique emails', async () => {
      const students = list(await call(server().url, 'GET', `/students?limit=${SEEDED}`));
      assert.equal(students.length, SEEDED);
      const emails = new Set(students.map((s) => s.email));
      assert.equal(emails.size, SEEDED);
      assert.ok(emails.has('student1@seed.volley.test'));
      assert.ok(emails.has(`student${SEEDED}@seed.volley.test`));
      for (const s of students) {
        assert.ok(typeof s.gpa === 'number' && s.gpa >= 6 && s.gpa <= 10, `gpa ${s.gpa}`);
      }
    });

    test('POST /students creates, GET /students/:id reads', async () => {
      const created = await create({ name: 'Grace', gpa: 9.25 });
      assert.equal(created.name, 'Grace');
      assert.equal(created.gpa, 9.25);
      assert.equal(created.domain, 'Engineering');
      const read = await call(server().url, 'GET', `/students/${created.id}`);
      assert.equal(read.status, 200);
      assert.deepEqual(read.body, created);
    });

    test('domain and gpa are optional', async () => {
      const created = await create({ domain: undefined, gpa: undefined });
      assert.equal(created.domain, null);
      assert.equal(created.gpa, null);
    });

    test('GET /students lists all students, with limit and offset', async () => {
      const created = await create();
      const all = list(await call(server().url, 'GET', '/students'));
      assert.ok(all.length >= SEEDED + 1);
      assert.ok(all.some((s) => s.id === created.id));
      const page = list(await call(server().url, 'GET', '/students?limit=2&offset=1'));
      assert.deepEqual(
        page.map((s) => s.id),
        all.slice(1, 3).map((s) => s.id),
      );
    });

    test('a duplicate email is 409 on POST and on PUT', async () => {
      const first = await create();
      const dup = await call(server().url, 'POST', '/students', {
        json: { name: 'Again', email: first.email },
      });
      assert.deepEqual([dup.status, dup.body], [409, { error: `email ${first.email} is already taken` }]);

      const second = await create();
      const put = await call(server().url, 'PUT', `/students/${second.id}`, { json: { email: first.email } });
      assert.equal(put.status, 409);
      assert.equal(obj(await call(server().url, 'GET', `/students/${second.id}`)).email, second.email);
    });

    test('PUT /students/:id updates the given fields only; null clears domain and gpa', async () => {
      const s = await create({ name: 'Before' });
      const res = await call(server().url, 'PUT', `/students/${s.id}`, { json: { name: 'After', gpa: 7 } });
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, { ...s, name: 'After', gpa: 7 });
      const cleared = await call(server().url, 'PUT', `/students/${s.id}`, {
        json: { domain: null, gpa: null },
      });
      assert.deepEqual(cleared.body, { ...s, name: 'After', domain: null, gpa: null });
    });

    test('DELETE /students/:id removes; the id is then 404 everywhere', async () => {
      const s = await create();
      const del = await call(server().url, 'DELETE', `/students/${s.id}`);
      assert.deepEqual([del.status, del.body], [200, { id: s.id, deleted: true }]);
      for (const method of ['GET', 'PUT', 'DELETE']) {
        const res = await call(
          server().url,
          method,
          `/students/${s.id}`,
          method === 'PUT' ? { json: { name: 'x' } } : {},
        );
        assert.deepEqual([res.status, res.body], [404, { error: `student ${s.id} not found` }], method);
      }
    });

    test('validation errors are 400 and name the field', async () => {
      const cases: [unknown, string][] = [
        [{ email: uniqueEmail() }, 'field "name" is required'],
        [{ name: 'x' }, 'field "email" is required'],
        [{ name: 'x', email: 'nope' }, 'field "email" must be an email address'],
        [{ name: 'x', email: uniqueEmail(), gpa: 11 }, 'field "gpa" must be a number from 0 to 10'],
        [{ name: 'x', email: uniqueEmail(), gpa: 'high' }, 'field "gpa" must be a number from 0 to 10'],
      ];
      for (const [body, error] of cases) {
        const res = await call(server().url, 'POST', '/students', { json: body });
        assert.deepEqual([res.status, res.body], [400, { error }], JSON.stringify(body));
      }
      const s = await create();
      const empty = await call(server().url, 'PUT', `/students/${s.id}`, { json: {} });
      assert.deepEqual(
        [empty.status, empty.body],
        [400, { error: 'body must set at least one of name, email, domain, gpa' }],
      );
      const blankName = await call(server().url, 'PUT', `/students/${s.id}`, { json: { name: '  ' } });
      assert.deepEqual(blankName.body, { error: 'field "name" is required' });
      const badId = await call(server().url, 'GET', '/students/0');
      assert.deepEqual([badId.status, badId.body], [400, { error: 'id must be a positive integer' }]);
    });
  },
  { seedStudents: SEEDED },
);
