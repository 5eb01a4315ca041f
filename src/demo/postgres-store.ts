import pg from 'pg';
import { describeDbSpec } from './db-spec.ts';
import { DemoDatabaseError } from './errors.ts';
import { MIGRATIONS } from './migrations.ts';
import {
  FOOD_RECORD_COLUMNS,
  foodRecordValues,
  type Row,
  toAccount,
  toFoodRecord,
  toPost,
  toStoredAccount,
  toStudent,
  toUser,
} from './rows.ts';
import { seedStudent } from './seed-students.ts';
import {
  type Account,
  type DemoStore,
  DuplicateEmailError,
  type FoodRecord,
  type NewAccount,
  type NewPost,
  type NewStudent,
  type NewUser,
  type OAuthSignIn,
  type Page,
  type Post,
  type StoredAccount,
  type Student,
  type StudentPatch,
  type Totals,
  type User,
} from './store.ts';

const UNIQUE_VIOLATION = '23505';
const INT8_OID = 20;
const STUDENT_COLUMNS = ['name', 'email', 'domain', 'gpa'] as const;
const SEED_CHUNK = 5000;
/** Any constant works: it only serializes concurrent migrations of the same database. */
const MIGRATION_LOCK = 7_405_321;

/** PostgreSQL through a `pg` pool; migrations run once at open, under an advisory lock. */
export class PostgresStore implements DemoStore {
  readonly dialect = 'postgres';
  readonly #pool: pg.Pool;

  private constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  /** Connects to URL and applies pending migrations. Add `?options=-c search_path=NAME` to use a schema. */
  static async open(url: string, log: (line: string) => void): Promise<PostgresStore> {
    // COUNT(*) and BIGINT epoch-ms values fit in a double: read them as numbers, not strings.
    const types = new pg.TypeOverrides();
    types.setTypeParser(INT8_OID, Number);
    const pool = new pg.Pool({ connectionString: url, max: 20, types, application_name: 'volley-demo' });
    // An idle client losing its connection must not crash the server; the next query reconnects.
    pool.on('error', (error) => log(`postgres: idle connection error: ${error.message}`));
    const store = new PostgresStore(pool);
    try {
      await store.#migrate();
    } catch (error) {
      await pool.end().catch(() => undefined);
      const where = describeDbSpec({ kind: 'postgres', url });
      throw new DemoDatabaseError(`cannot use PostgreSQL at ${where}: ${describePgError(error)}`);
    }
    return store;
  }

  async #migrate(): Promise<void> {
    await this.#transaction(async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      await client.query(
        'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())',
      );
      const applied = await client.query('SELECT version FROM schema_migrations');
      const done = new Set(applied.rows.map((r: Row) => Number(r.version)));
      for (const m of MIGRATIONS) {
        if (done.has(m.version)) continue;
        await client.query(m.postgres);
        await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
          m.version,
          m.name,
        ]);
      }
    });
  }

  async #rows(sql: string, params: unknown[] = []): Promise<Row[]> {
    return (await this.#pool.query(sql, params)).rows;
  }

  async #row(sql: string, params: unknown[] = []): Promise<Row | undefined> {
    return (await this.#rows(sql, params))[0];
  }

  async #count(sql: string, params: unknown[]): Promise<number> {
    return (await this.#pool.query(sql, params)).rowCount ?? 0;
  }

  async #transaction<T>(body: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.#pool.connect();
    try {
      await client.query('BEGIN');
      const result = await body(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /** Runs an insert/update, turning a unique violation on email into DuplicateEmailError. */
  async #unique<T>(email: string | undefined, body: () => Promise<T>): Promise<T> {
    try {
      return await body();
    } catch (error) {
      if (email !== undefined && (error as { code?: unknown }).code === UNIQUE_VIOLATION) {
        throw new DuplicateEmailError(email);
      }
      throw error;
    }
  }

  async createUser(user: NewUser): Promise<User> {
    const row = await this.#unique(user.email, () =>
      this.#row('INSERT INTO users (name, email, created_at) VALUES ($1, $2, now()) RETURNING *', [
        user.name,
        user.email,
      ]),
    );
    return toUser(row ?? {});
  }

  async listUsers(page: Page): Promise<User[]> {
    const rows = await this.#rows('SELECT * FROM users ORDER BY id LIMIT $1 OFFSET $2', [
      page.limit ?? null,
      page.offset,
    ]);
    return rows.map(toUser);
  }

  async getUser(id: number): Promise<User | undefined> {
    const row = await this.#row('SELECT * FROM users WHERE id = $1', [id]);
    return row === undefined ? undefined : toUser(row);
  }

  async createPost(post: NewPost): Promise<Post | undefined> {
    const rejected = Symbol('no such author');
    try {
      return await this.#transaction(async (client) => {
        const inserted = await client.query(
          'INSERT INTO posts (user_id, title, content, created_at) VALUES ($1, $2, $3, now()) RETURNING *',
          [post.user_id, post.title, post.content],
        );
        // The author check comes second on purpose: the rollback must take the inserted post with it.
        const author = await client.query('UPDATE users SET post_count = post_count + 1 WHERE id = $1', [
          post.user_id,
        ]);
        if (author.rowCount === 0) throw rejected;
        return toPost(inserted.rows[0] ?? {});
      });
    } catch (error) {
      if (error === rejected) return undefined;
      throw error;
    }
  }

  async listPostsOf(userId: number): Promise<Post[] | undefined> {
    if ((await this.#row('SELECT 1 FROM users WHERE id = $1', [userId])) === undefined) return undefined;
    return (await this.#rows('SELECT * FROM posts WHERE user_id = $1 ORDER BY id', [userId])).map(toPost);
  }

  async totals(): Promise<Totals> {
    const row = await this.#row(`SELECT
      (SELECT COUNT(*) FROM users) AS users, (SELECT COUNT(*) FROM posts) AS posts,
      (SELECT COUNT(*) FROM students) AS students, (SELECT COUNT(*) FROM accounts) AS accounts,
      (SELECT COUNT(*) FROM food_records) AS food_records`);
    return {
      users: Number(row?.users),
      posts: Number(row?.posts),
      students: Number(row?.students),
      accounts: Number(row?.accounts),
      food_records: Number(row?.food_records),
    };
  }

  async listStudents(page: Page): Promise<Student[]> {
    const rows = await this.#rows('SELECT * FROM students ORDER BY id LIMIT $1 OFFSET $2', [
      page.limit ?? null,
      page.offset,
    ]);
    return rows.map(toStudent);
  }

  async getStudent(id: number): Promise<Student | undefined> {
    const row = await this.#row('SELECT * FROM students WHERE id = $1', [id]);
    return row === undefined ? undefined : toStudent(row);
  }

  async createStudent(s: NewStudent): Promise<Student> {
    const row = await this.#unique(s.email, () =>
      this.#row(
        'INSERT INTO students (name, email, domain, gpa, created_at) VALUES ($1, $2, $3, $4, now()) RETURNING *',
        [s.name, s.email, s.domain, s.gpa],
      ),
    );
    return toStudent(row ?? {});
  }

  async updateStudent(id: number, patch: StudentPatch): Promise<Student | undefined> {
    const columns = STUDENT_COLUMNS.filter((c) => patch[c] !== undefined);
    if (columns.length === 0) return this.getStudent(id);
    const sets = columns.map((c, i) => `${c} = $${i + 2}`).join(', ');
    const row = await this.#unique(patch.email, () =>
      this.#row(`UPDATE students SET ${sets} WHERE id = $1 RETURNING *`, [
        id,
        ...columns.map((c) => patch[c] ?? null),
      ]),
    );
    return row === undefined ? undefined : toStudent(row);
  }

  async deleteStudent(id: number): Promise<boolean> {
    return (await this.#count('DELETE FROM students WHERE id = $1', [id])) > 0;
  }

  async seedStudents(count: number): Promise<number> {
    return this.#transaction(async (client) => {
      let added = 0;
      for (let start = 1; start <= count; start += SEED_CHUNK) {
        const chunk = Array.from({ length: Math.min(SEED_CHUNK, count - start + 1) }, (_, k) =>
          seedStudent(start + k),
        );
        const result = await client.query(
          `INSERT INTO students (name, email, domain, gpa, created_at)
           SELECT n, e, d, g, now() FROM unnest($1::text[], $2::text[], $3::text[], $4::float8[]) AS t(n, e, d, g)
           ON CONFLICT (email) DO NOTHING`,
          [
            chunk.map((s) => s.name),
            chunk.map((s) => s.email),
            chunk.map((s) => s.domain),
            chunk.map((s) => s.gpa),
          ],
        );
        added += result.rowCount ?? 0;
      }
      return added;
    });
  }

  async createAccount(a: NewAccount): Promise<Account> {
    const row = await this.#unique(a.email, () =>
      this.#row(
        `INSERT INTO accounts (email, full_name, user_name, phone, password_hash, provider, created_at)
         VALUES ($1, $2, $3, $4, $5, 'password', now()) RETURNING *`,
        [a.email, a.full_name, a.user_name, a.phone, a.password_hash],
      ),
    );
    return toAccount(row ?? {});
  }

  async findAccountByEmail(email: string): Promise<StoredAccount | undefined> {
    const row = await this.#row('SELECT * FROM accounts WHERE email = $1', [email]);
    return row === undefined ? undefined : toStoredAccount(row);
  }

  async findAccountByUserName(userName: string): Promise<StoredAccount | undefined> {
    const row = await this.#row('SELECT * FROM accounts WHERE user_name = $1 ORDER BY id LIMIT 1', [
      userName,
    ]);
    return row === undefined ? undefined : toStoredAccount(row);
  }

  async signInOAuth(s: OAuthSignIn): Promise<Account> {
    await this.#count(
      `INSERT INTO accounts (email, full_name, user_name, provider, created_at) VALUES ($1, $2, $3, $4, now())
       ON CONFLICT (email) DO NOTHING`,
      [s.email, s.full_name, s.email.split('@')[0] ?? s.email, s.provider],
    );
    return toAccount((await this.#row('SELECT * FROM accounts WHERE email = $1', [s.email])) ?? {});
  }

  async setLanguage(email: string, language: string): Promise<boolean> {
    return (await this.#count('UPDATE accounts SET language = $1 WHERE email = $2', [language, email])) > 0;
  }

  async addFoodRecord(record: FoodRecord): Promise<void> {
    const marks = FOOD_RECORD_COLUMNS.map((_, i) => `$${i + 1}`).join(', ');
    await this.#count(
      `INSERT INTO food_records (${FOOD_RECORD_COLUMNS.join(', ')}) VALUES (${marks})`,
      foodRecordValues(record, (b) => b),
    );
  }

  async foodRecords(email: string, fromDay: string, toDay: string): Promise<FoodRecord[]> {
    const rows = await this.#rows(
      'SELECT * FROM food_records WHERE user_email = $1 AND day BETWEEN $2 AND $3 ORDER BY time',
      [email, fromDay, toDay],
    );
    return rows.map(toFoodRecord);
  }

  async scaleFoodRecord(email: string, time: number, percentage: number): Promise<FoodRecord | undefined> {
    const columns = ['calories', 'weight', 'proteins', 'fats', 'carbohydrates', 'sugar'];
    const sets = columns.map((c) => `${c} = ROUND(${c} * $3::numeric / 100)::integer`).join(', ');
    const row = await this.#row(
      `UPDATE food_records SET ${sets} WHERE user_email = $1 AND time = $2 RETURNING *`,
      [email, time, percentage],
    );
    return row === undefined ? undefined : toFoodRecord(row);
  }

  async deleteFoodRecord(email: string, time: number): Promise<boolean> {
    return (
      (await this.#count('DELETE FROM food_records WHERE user_email = $1 AND time = $2', [email, time])) > 0
    );
  }

  async addWeight(email: string, weight: number, time: number): Promise<void> {
    await this.#count('INSERT INTO weights (user_email, weight, time) VALUES ($1, $2, $3)', [
      email,
      weight,
      time,
    ]);
  }

  async latestWeight(email: string): Promise<number | undefined> {
    const row = await this.#row(
      'SELECT weight FROM weights WHERE user_email = $1 ORDER BY time DESC, id DESC LIMIT 1',
      [email],
    );
    return row === undefined ? undefined : Number(row.weight);
  }

  async addFeedback(email: string, feedback: string, time: string): Promise<void> {
    await this.#count(
      'INSERT INTO feedback (user_email, feedback, time, created_at) VALUES ($1, $2, $3, now())',
      [email, feedback, time],
    );
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}

/** One line for a connection/migration failure: pg's message, or the socket error code. */
function describePgError(error: unknown): string {
  const e = error as { message?: unknown; code?: unknown; errors?: unknown };
  if (Array.isArray(e.errors) && e.errors.length > 0) return describePgError(e.errors[0]);
  const message = typeof e.message === 'string' && e.message !== '' ? e.message : String(e.code ?? error);
  return message.split('\n')[0] ?? message;
}
