import { readFields } from '../body-fields.ts';
import { pageOf, pathId, requiredEmail, requiredId, requiredString } from '../fields.ts';
import { notFound } from '../http-error.ts';
import { json } from '../reply.ts';
import type { Route } from '../router.ts';
import type { DemoDeps } from './deps.ts';

/** Users and posts on the database (the server-side Flask suite's app). */
export function usersPostsRoutes({ store }: DemoDeps): Route[] {
  return [
    {
      method: 'POST',
      path: '/api/users',
      handler: async (ctx) => {
        const f = readFields(ctx);
        const user = await store.createUser({
          name: requiredString(f, 'name', 100),
          email: requiredEmail(f),
        });
        return json({ ...user, created: true }, 201);
      },
    },
    {
      method: 'GET',
      path: '/api/users',
      handler: async (ctx) => json(await store.listUsers(pageOf(ctx.query))),
    },
    {
      method: 'GET',
      path: '/api/users/:id',
      handler: async (ctx) => {
        const id = pathId(ctx.params.id);
        const user = await store.getUser(id);
        if (user === undefined) throw notFound(`user ${id} not found`);
        return json(user);
      },
    },
    {
      method: 'POST',
      path: '/api/posts',
      handler: async (ctx) => {
        const f = readFields(ctx);
        const post = {
          user_id: requiredId(f, 'user_id'),
          title: requiredString(f, 'title', 200),
          content: requiredString(f, 'content', 10_000),
        };
        const created = await store.createPost(post);
        if (created === undefined) throw notFound(`user ${post.user_id} not found: post not created`);
        return json(created, 201);
      },
    },
    {
      method: 'GET',
      path: '/api/users/:id/posts',
      handler: async (ctx) => {
        const id = pathId(ctx.params.id);
        const posts = await store.listPostsOf(id);
        if (posts === undefined) throw notFound(`user ${id} not found`);
        return json(posts);
      },
    },
    {
      method: 'GET',
      path: '/api/stats',
      handler: async () => {
        const t = await store.totals();
        return json({
          total_users: t.users,
          total_posts: t.posts,
          total_students: t.students,
          total_accounts: t.accounts,
          total_food_records: t.food_records,
        });
      },
    },
  ];
}
