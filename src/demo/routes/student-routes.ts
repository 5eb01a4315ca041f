import { type Fields, readFields } from '../body-fields.ts';
import { optionalNumber, optionalString, pageOf, pathId, requiredEmail, requiredString } from '../fields.ts';
import { badRequest, notFound } from '../http-error.ts';
import { json } from '../reply.ts';
import type { Route } from '../router.ts';
import type { StudentPatch } from '../store.ts';
import type { DemoDeps } from './deps.ts';

const STUDENT_FIELDS = ['name', 'email', 'domain', 'gpa'] as const;

/** Student management CRUD; email is unique (409), unknown ids are 404. */
export function studentRoutes({ store }: DemoDeps): Route[] {
  return [
    {
      method: 'GET',
      path: '/students',
      handler: async (ctx) => json(await store.listStudents(pageOf(ctx.query))),
    },
    {
      method: 'POST',
      path: '/students',
      handler: async (ctx) => {
        const f = readFields(ctx);
        const student = await store.createStudent({
          name: requiredString(f, 'name', 100),
          email: requiredEmail(f),
          domain: optionalString(f, 'domain', 100),
          gpa: optionalNumber(f, 'gpa', 0, 10),
        });
        return json(student, 201);
      },
    },
    {
      method: 'GET',
      path: '/students/:id',
      handler: async (ctx) => {
        const id = pathId(ctx.params.id);
        const student = await store.getStudent(id);
        if (student === undefined) throw notFound(`student ${id} not found`);
        return json(student);
      },
    },
    {
      method: 'PUT',
      path: '/students/:id',
      handler: async (ctx) => {
        const id = pathId(ctx.params.id);
        const student = await store.updateStudent(id, studentPatch(readFields(ctx)));
        if (student === undefined) throw notFound(`student ${id} not found`);
        return json(student);
      },
    },
    {
      method: 'DELETE',
      path: '/students/:id',
      handler: async (ctx) => {
        const id = pathId(ctx.params.id);
        if (!(await store.deleteStudent(id))) throw notFound(`student ${id} not found`);
        return json({ id, deleted: true });
      },
    },
  ];
}

/** The fields a PUT sets (any subset); name and email cannot be cleared, domain and gpa can (null). */
function studentPatch(f: Fields): StudentPatch {
  if (!STUDENT_FIELDS.some((k) => f[k] !== undefined)) {
    throw badRequest(`body must set at least one of ${STUDENT_FIELDS.join(', ')}`);
  }
  const patch: StudentPatch = {};
  if (f.name !== undefined) patch.name = requiredString(f, 'name', 100);
  if (f.email !== undefined) patch.email = requiredEmail(f);
  if (f.domain !== undefined) patch.domain = optionalString(f, 'domain', 100);
  if (f.gpa !== undefined) patch.gpa = optionalNumber(f, 'gpa', 0, 10);
  return patch;
}
