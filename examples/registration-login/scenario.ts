/**
 * The Locust registration/login suite (scenarios/registration_test.py and login_test.py) in one volley
 * scenario with two user classes; pick a profile with tags:
 *
 *   -T register   only `registrar` users: every task registers a brand-new account (registration load)
 *   -T login      only `member` users logging in again and again (login stress)
 *   (no -T)       both classes, plus members reading their profile with the bearer token
 *
 *   npx volley run examples/registration-login/scenario.ts --headless -H http://127.0.0.1:5000 -u 50 -r 10 -t 5m -T register
 */
import { feeder, task, unique, user, type VirtualUser } from 'volley';
import { thinkTime } from '../think-time.ts';

/** A row of users.json (the suite's data/test_users.json). */
interface TestAccount {
  fullName: string;
  userName: string;
  email: string;
  password: string;
  phone: string;
}

interface LoginReply {
  msg: string;
  token: string;
  email: string;
}

/** One account per virtual user (user N gets row N, wrapping): the same account across runs. */
const accounts = feeder<TestAccount>(new URL('./users.json', import.meta.url), { mode: 'per-user' });

/** MIN_WAIT_TIME / MAX_WAIT_TIME of the suite's config/test_config.py: 1–3 s between tasks. */
const wait = thinkTime(1, 3);

/** Registration load: new, never-seen accounts, sent as a form like the Locust suite does. */
export const registrar = user({
  wait,
  tasks: [
    task({ name: 'register', tags: ['register'] }, async (vu) => {
      const userName = unique.name('reg');
      await vu.http.post('/client_registeration', {
        form: {
          fullName: `Load Tester ${vu.id}`,
          userName,
          email: `${userName}@register.volley.test`,
          password: `S3cret-${unique.id()}`,
          phone: '+15550100000',
        },
        check: (res) => res.json<{ msg: string }>().msg === 'User Registered' || 'no "User Registered"',
      });
    }),
  ],
});

interface Member {
  account: TestAccount | null;
  token: string;
}

async function logIn(vu: VirtualUser<Member>, account: TestAccount): Promise<void> {
  const res = await vu.http.post('/client_login', {
    form: { email: account.email, password: account.password },
    check: (r) => {
      const reply = r.json<LoginReply>();
      return (reply.msg === 'Login Successful' && reply.token.length > 0) || `login reply: ${reply.msg}`;
    },
  });
  if (res.ok) vu.state.token = res.json<LoginReply>().token;
}

/** Login stress: members of the data file, registered once (409 = already there), then logging in. */
export const member = user<Member>({
  wait,
  state: () => ({ account: null, token: '' }),
  async onStart(vu) {
    const account = accounts.next(vu);
    vu.state.account = account;
    await vu.http.post('/client_registeration', {
      form: { ...account },
      expect: [200, 409],
    });
    await logIn(vu, account);
  },
  tasks: [
    task({ name: 'login', tags: ['login'] }, async (vu) => {
      if (vu.state.account) await logIn(vu, vu.state.account);
    }),
    task({ name: 'profile', tags: ['profile'], weight: 2 }, async (vu) => {
      if (!vu.state.token) vu.endTask('not logged in');
      await vu.http.get('/me', {
        bearer: vu.state.token,
        check: (res) =>
          res.json<{ email: string }>().email === vu.state.account?.email || 'profile of another account',
      });
    }),
  ],
});
