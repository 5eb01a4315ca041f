/**
 * The Flask server-side suite's load generator (client.py of flask_server_test) as a volley journey: each
 * virtual user creates a user, lists users, writes three posts, reads them back and checks the stats —
 * in that order, over and over (`sequential: true`, Locust's SequentialTaskSet). The writes and the read-back
 * use named checks, each counted in the reports' checks table; the `checks` threshold wants them all to pass.
 *
 *   npx volley run examples/users-posts/scenario.ts --headless -H http://127.0.0.1:5000 -u 10 -r 2 -t 1m
 */
import { unique, user, type VirtualUser } from 'volley';
import { thinkTime } from '../think-time.ts';

const POSTS_PER_USER = 3;

interface ApiUser {
  id: number;
  name: string;
  email: string;
  post_count?: number;
}

interface Post {
  id: number;
  user_id: number;
  title: string;
}

interface Stats {
  total_users: number;
  total_posts: number;
}

interface Journey {
  /** The user this journey created; null until (or unless) step 1 succeeded. */
  userId: number | null;
  name: string;
  /** Posts this journey wrote for that user. */
  postIds: number[];
}

/** Steps 2–5 need the user of step 1: skip to the next step when it could not be created. */
function journeyUser(vu: VirtualUser<Journey>): number {
  if (vu.state.userId === null) vu.endTask('no user: step 1 failed');
  return vu.state.userId;
}

export default user<Journey>({
  name: 'users-posts',
  sequential: true,
  wait: thinkTime(0.5, 1.5),
  state: () => ({ userId: null, name: '', postIds: [] }),
  tasks: [
    async function createUser(vu) {
      vu.state = { userId: null, name: unique.name('User'), postIds: [] };
      const res = await vu.http.post('/api/users', {
        json: { name: vu.state.name, email: unique.email('journey') },
        expect: 201,
        check: {
          'status is 201': (r) => r.status === 201,
          'has an id': (r) => typeof r.json<ApiUser>().id === 'number',
          'echoes the name': (r) => r.json<ApiUser>().name === vu.state.name,
        },
      });
      if (res.ok) vu.state.userId = res.json<ApiUser>().id;
    },

    async function listUsers(vu) {
      journeyUser(vu);
      await vu.http.get('/api/users', {
        query: { limit: 50 },
        check: (res) => {
          const users = res.json<ApiUser[]>();
          return (Array.isArray(users) && users.length > 0 && users.length <= 50) || `${users.length} users`;
        },
      });
    },

    async function createPosts(vu) {
      const userId = journeyUser(vu);
      for (let i = 1; i <= POSTS_PER_USER; i++) {
        const res = await vu.http.post('/api/posts', {
          json: { user_id: userId, title: `Post ${i} by ${vu.state.name}`, content: `Load-test post ${i}.` },
          expect: 201,
          check: {
            'status is 201': (r) => r.status === 201,
            'belongs to the user': (r) => r.json<Post>().user_id === userId,
          },
        });
        if (res.ok) vu.state.postIds.push(res.json<Post>().id);
      }
    },

    async function readPosts(vu) {
      const userId = journeyUser(vu);
      await vu.http.get(`/api/users/${userId}/posts`, {
        name: '/api/users/[id]/posts',
        check: {
          'every post written': (res) => {
            const count = res.json<Post[]>().length;
            const expected = vu.state.postIds.length;
            return count === expected || `user has ${count} posts, expected ${expected}`;
          },
          'only that user’s posts': (res) => res.json<Post[]>().every((p) => p.user_id === userId),
        },
      });
    },

    async function stats(vu) {
      journeyUser(vu);
      await vu.http.get('/api/stats', {
        check: (res) => {
          const s = res.json<Stats>();
          return (
            (s.total_users >= 1 && s.total_posts >= vu.state.postIds.length) ||
            `stats too low: ${JSON.stringify(s)}`
          );
        },
      });
    },
  ],
});

/** Every named check must pass (`--threshold` on the command line replaces this). */
export const options = { thresholds: ['checks==1'] };
