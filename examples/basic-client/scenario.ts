/**
 * The Flask "basic client" suite (test.py of flask_test) as a volley scenario: the greeting, creating and
 * reading a user, the stateful counter, and a burst of concurrent health checks.
 *
 *   npx volley run examples/basic-client/scenario.ts --headless -H http://127.0.0.1:5000 -u 10 -r 2 -t 1m
 */
import { unique, user } from 'volley';
import { thinkTime } from '../think-time.ts';

interface CreatedUser {
  id: number;
  name: string;
  email: string;
  created?: boolean;
}

export default user({
  name: 'basic-client',
  wait: thinkTime(0.5, 2),
  // The last counter value this user saw: the counter is shared, so each of our calls must see a larger one.
  state: () => ({ lastCount: 0 }),
  tasks: [
    async function home(vu) {
      await vu.http.get('/', {
        check: (res) =>
          res.text().startsWith('Hello from') || `unexpected greeting: ${res.text().slice(0, 80)}`,
      });
    },

    async function createAndReadUser(vu) {
      const email = unique.email('basic');
      const created = await vu.http.post('/api/users', {
        json: { name: `User ${email.split('@')[0]}`, email },
        expect: 201,
        check: (res) => res.json<CreatedUser>().created === true || 'reply lacks "created": true',
      });
      if (!created.ok) return;
      const { id } = created.json<CreatedUser>();
      await vu.http.get(`/api/users/${id}`, {
        name: '/api/users/[id]',
        check: (res) => {
          const got = res.json<CreatedUser>();
          return (got.id === id && got.email === email) || `got user ${got.id} <${got.email}>, not ${id}`;
        },
      });
    },

    async function statefulCounter(vu) {
      // Five calls in a row, as the original client does: every reply must be above the one before.
      for (let i = 0; i < 5; i++) {
        await vu.http.get('/api/count', {
          check: (res) => {
            const { count } = res.json<{ count: number }>();
            if (!(count > vu.state.lastCount)) return `count went from ${vu.state.lastCount} to ${count}`;
            vu.state.lastCount = count;
            return true;
          },
        });
      }
    },

    async function concurrentHealthChecks(vu) {
      // Ten requests at once from this one user (the original's "concurrent load" step).
      await Promise.all(
        Array.from({ length: 10 }, () =>
          vu.http.get('/health', {
            check: (res) => res.json<{ status: string }>().status === 'healthy' || 'not healthy',
          }),
        ),
      );
    },
  ],
});
