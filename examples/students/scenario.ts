/**
 * The Student API Locust suite (tests/load_test.py) with its "advanced" variant done right: reads and writes
 * of the student list, and GET/PUT/DELETE on single students — only on students this virtual user created
 * itself and has not deleted, so no request hits a stale id; unique emails, so no POST collides.
 *
 *   npx volley run examples/students/scenario.ts --headless -H http://127.0.0.1:5000 -u 20 -r 5 -t 5m
 */
import { task, unique, user, type VirtualUser } from 'volley';
import { thinkTime } from '../think-time.ts';

interface Student {
  id: number;
  name: string;
  email: string;
  domain: string | null;
  gpa: number | null;
}

interface StudentUser {
  /** Ids of the students this user created and has not deleted yet. */
  ids: number[];
}

const DOMAINS = ['Computer Science', 'Mathematics', 'Physics', 'Biology', 'Economics', 'History'];

function pick<T>(vu: VirtualUser<StudentUser>, list: readonly T[]): T {
  return list[Math.floor(vu.random() * list.length)] as T;
}

function randomGpa(vu: VirtualUser<StudentUser>): number {
  return Math.round((5 + vu.random() * 5) * 100) / 100;
}

/** One of this user's own students; with none yet, this task run ends (the user picks another task). */
function ownStudent(vu: VirtualUser<StudentUser>): number {
  if (vu.state.ids.length === 0) vu.endTask('no student of this user yet');
  return pick(vu, vu.state.ids);
}

export default user<StudentUser>({
  wait: thinkTime(1, 3),
  state: () => ({ ids: [] }),
  tasks: [
    task({ name: 'list students', weight: 6 }, async (vu) => {
      await vu.http.get('/students', {
        query: { limit: 100 },
        check: (res) => Array.isArray(res.json()) || 'not a list',
      });
    }),

    task({ name: 'add student', weight: 4 }, async (vu) => {
      const name = unique.name('Student');
      const res = await vu.http.post('/students', {
        json: { name, email: unique.email('student'), domain: pick(vu, DOMAINS), gpa: randomGpa(vu) },
        expect: 201,
        check: (r) => r.json<Student>().name === name || 'created another student',
      });
      if (res.ok) vu.state.ids.push(res.json<Student>().id);
    }),

    task({ name: 'view student', weight: 2 }, async (vu) => {
      const id = ownStudent(vu);
      await vu.http.get(`/students/${id}`, {
        name: '/students/[id]',
        check: (res) => res.json<Student>().id === id || 'another student',
      });
    }),

    task({ name: 'update student', weight: 1 }, async (vu) => {
      const id = ownStudent(vu);
      const gpa = randomGpa(vu);
      await vu.http.put(`/students/${id}`, {
        name: '/students/[id]',
        json: { gpa, domain: pick(vu, DOMAINS) },
        check: (res) => res.json<Student>().gpa === gpa || 'update not applied',
      });
    }),

    task({ name: 'delete student', weight: 1 }, async (vu) => {
      const id = ownStudent(vu);
      // Forget it first: whatever the answer, this id must not be used again.
      vu.state.ids = vu.state.ids.filter((own) => own !== id);
      await vu.http.delete(`/students/${id}`, {
        name: '/students/[id]',
        check: (res) => res.json<{ deleted: boolean }>().deleted === true || 'not deleted',
      });
    }),

    // The suite's lightweight endpoints.
    task({ name: 'home and health', weight: 1 }, async (vu) => {
      await vu.http.get('/');
      await vu.http.get('/health');
    }),
  ],
});
