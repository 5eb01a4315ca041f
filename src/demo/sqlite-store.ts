import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
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

const SQLITE_CONSTRAINT_UNIQUE = 2067;
const STUDENT_COLUMNS = ['name', 'email', 'domain', 'gpa'] as const;

/**
 * node:sqlite in WAL mode. Calls are synchronous, so a transaction can never interleave with another
 * request; the Promise-returning methods only match the DemoStore shape.
 */
export class SqliteStore implements DemoStore {
  readonly dialect = 'sqlite';
  /** The database file. */
  readonly path: string;
  readonly #db: DatabaseSync;
  /** Set when we made the file ourselves: removed on close. */
  readonly #tempDir: string | undefined;
  readonly #statements = new Map<string, StatementSync>();

  /** Opens (and migrates) FILE, or a new temporary file when none is given. */
  constructor(file?: string) {
    this.#tempDir = file === undefined ? mkdtempSync(join(tmpdir(), 'volley-demo-')) : undefined;
    const path = this.#tempDir === undefined ? (file ?? '') : join(this.#tempDir, 'demo.db');
    this.path = path;
    try {
      this.#db = new DatabaseSync(path);
      this.#db.exec(
        'PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;',
      );
      this.#migrate();
    } catch (error) {
      this.#removeTempDir();
      throw new DemoDatabaseError(`cannot open SQLite database ${path}: ${(error as Error).message}`);
    }
  }

  #migrate(): void {
    this.#db.exec(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
    );
    for (const m of MIGRATIONS) {
      this.#transaction(() => {
        if (this.#get('SELECT 1 FROM schema_migrations WHERE version = ?', m.version) !== undefined) return;
        this.#db.exec(m.sqlite);
        this.#run(
          'INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)',
          m.version,
          m.name,
          now(),
        );
      });
    }
  }

  #statement(sql: string): StatementSync {
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  #get(sql: string, ...params: SQLInputValue[]): Row | undefined {
    return this.#statement(sql).get(...params);
  }

  #all(sql: string, ...params: SQLInputValue[]): Row[] {
    return this.#statement(sql).all(...params);
  }

  #run(sql: string, ...params: SQLInputValue[]): number {
    return Number(this.#statement(sql).run(...params).changes);
  }

  #transaction<T>(body: () => T): T {
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      const result = body();
      this.#db.exec('COMMIT');
      return result;
    } catch (error) {
      this.#db.exec('ROLLBACK');
      throw error;
    }
  }

  /** Runs an insert/update, turning a UNIQUE violation on email into DuplicateEmailError. */
  #unique<T>(email: string | undefined, body: () => T): T {
    try {
      return body();
    } catch (error) {
      if (email !== undefined && (error as { errcode?: unknown }).errcode === SQLITE_CONSTRAINT_UNIQUE) {
        throw new DuplicateEmailError(email);
      }
      throw error;
    }
  }

  async createUser(user: NewUser): Promise<User> {
    const row = this.#unique(user.email, () =>
      this.#get(
        'INSERT INTO users (name, email, created_at) VALUES (?, ?, ?) RETURNING *',
        user.name,
        user.email,
        now(),
      ),
    );
    return toUser(row ?? {});
  }

  async listUsers(page: Page): Promise<User[]> {
    return this.#all('SELECT * FROM users ORDER BY id LIMIT ? OFFSET ?', page.limit ?? -1, page.offset).map(
      toUser,
    );
  }

  async getUser(id: number): Promise<User | undefined> {
    const row = this.#get('SELECT * FROM users WHERE id = ?', id);
    return row === undefined ? undefined : toUser(row);
  }

  async createPost(post: NewPost): Promise<Post | undefined> {
    const rejected = Symbol('no such author');
    try {
      return this.#transaction(() => {
        const row = this.#get(
          'INSERT INTO posts (user_id, title, content, created_at) VALUES (?, ?, ?, ?) RETURNING *',
          post.user_id,
          post.title,
          post.content,
          now(),
        );
        // The author check comes second on purpose: the rollback must take the inserted post with it.
        if (this.#run('UPDATE users SET post_count = post_count + 1 WHERE id = ?', post.user_id) === 0)
          throw rejected;
        return toPost(row ?? {});
      });
    } catch (error) {
      if (error === rejected) return undefined;
      throw error;
    }
  }

  async listPostsOf(userId: number): Promise<Post[] | undefined> {
    if (this.#get('SELECT 1 FROM users WHERE id = ?', userId) === undefined) return undefined;
    return this.#all('SELECT * FROM posts WHERE user_id = ? ORDER BY id', userId).map(toPost);
  }

  async totals(): Promise<Totals> {
    const row = this.#get(`SELECT
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
    return this.#all(
      'SELECT * FROM students ORDER BY id LIMIT ? OFFSET ?',
      page.limit ?? -1,
      page.offset,
    ).map(toStudent);
  }

  async getStudent(id: number): Promise<Student | undefined> {
    const row = this.#get('SELECT * FROM students WHERE id = ?', id);
    return row === undefined ? undefined : toStudent(row);
  }

  async createStudent(student: NewStudent): Promise<Student> {
    return toStudent(this.#insertStudent(student, false) ?? {});
  }

  #insertStudent(s: NewStudent, ignoreDuplicate: boolean): Row | undefined {
    const verb = ignoreDuplicate ? 'INSERT OR IGNORE' : 'INSERT';
    return this.#unique(s.email, () =>
      this.#get(
        `${verb} INTO students (name, email, domain, gpa, created_at) VALUES (?, ?, ?, ?, ?) RETURNING *`,
        s.name,
        s.email,
        s.domain,
        s.gpa,
        now(),
      ),
    );
  }

  async updateStudent(id: number, patch: StudentPatch): Promise<Student | undefined> {
    const columns = STUDENT_COLUMNS.filter((c) => patch[c] !== undefined);
    if (columns.length === 0) return this.getStudent(id);
    const sets = columns.map((c) => `${c} = ?`).join(', ');
    const row = this.#unique(patch.email, () =>
      this.#get(
        `UPDATE students SET ${sets} WHERE id = ? RETURNING *`,
        ...columns.map((c) => patch[c] ?? null),
        id,
      ),
    );
    return row === undefined ? undefined : toStudent(row);
  }

  async deleteStudent(id: number): Promise<boolean> {
    return this.#run('DELETE FROM students WHERE id = ?', id) > 0;
  }

  async seedStudents(count: number): Promise<number> {
    return this.#transaction(() => {
      let added = 0;
      for (let i = 1; i <= count; i++) {
        if (this.#insertStudent(seedStudent(i), true) !== undefined) added++;
      }
      return added;
    });
  }

  async createAccount(a: NewAccount): Promise<Account> {
    const row = this.#unique(a.email, () =>
      this.#get(
        `INSERT INTO accounts (email, full_name, user_name, phone, password_hash, provider, created_at)
         VALUES (?, ?, ?, ?, ?, 'password', ?) RETURNING *`,
        a.email,
        a.full_name,
        a.user_name,
        a.phone,
        a.password_hash,
        now(),
      ),
    );
    return toAccount(row ?? {});
  }

  async findAccountByEmail(email: string): Promise<StoredAccount | undefined> {
    const row = this.#get('SELECT * FROM accounts WHERE email = ?', email);
    return row === undefined ? undefined : toStoredAccount(row);
  }

  async findAccountByUserName(userName: string): Promise<StoredAccount | undefined> {
    const row = this.#get('SELECT * FROM accounts WHERE user_name = ? ORDER BY id LIMIT 1', userName);
    return row === undefined ? undefined : toStoredAccount(row);
  }

  async signInOAuth(s: OAuthSignIn): Promise<Account> {
    this.#run(
      `INSERT INTO accounts (email, full_name, user_name, provider, created_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (email) DO NOTHING`,
      s.email,
      s.full_name,
      s.email.split('@')[0] ?? s.email,
      s.provider,
      now(),
    );
    return toAccount(this.#get('SELECT * FROM accounts WHERE email = ?', s.email) ?? {});
  }

  async setLanguage(email: string, language: string): Promise<boolean> {
    return this.#run('UPDATE accounts SET language = ? WHERE email = ?', language, email) > 0;
  }

  async addFoodRecord(record: FoodRecord): Promise<void> {
    const marks = FOOD_RECORD_COLUMNS.map(() => '?').join(', ');
    this.#run(
      `INSERT INTO food_records (${FOOD_RECORD_COLUMNS.join(', ')}) VALUES (${marks})`,
      ...foodRecordValues(record, (b) => (b ? 1 : 0)),
    );
  }

  async foodRecords(email: string, fromDay: string, toDay: string): Promise<FoodRecord[]> {
    return this.#all(
      'SELECT * FROM food_records WHERE user_email = ? AND day BETWEEN ? AND ? ORDER BY time',
      email,
      fromDay,
      toDay,
    ).map(toFoodRecord);
  }

  async scaleFoodRecord(email: string, time: number, percentage: number): Promise<FoodRecord | undefined> {
    const scaled = (c: string) => `${c} = CAST(ROUND(${c} * ? / 100.0) AS INTEGER)`;
    const columns = ['calories', 'weight', 'proteins', 'fats', 'carbohydrates', 'sugar'];
    const row = this.#get(
      `UPDATE food_records SET ${columns.map(scaled).join(', ')} WHERE user_email = ? AND time = ? RETURNING *`,
      ...columns.map(() => percentage),
      email,
      time,
    );
    return row === undefined ? undefined : toFoodRecord(row);
  }

  async deleteFoodRecord(email: string, time: number): Promise<boolean> {
    return this.#run('DELETE FROM food_records WHERE user_email = ? AND time = ?', email, time) > 0;
  }

  async addWeight(email: string, weight: number, time: number): Promise<void> {
    this.#run('INSERT INTO weights (user_email, weight, time) VALUES (?, ?, ?)', email, weight, time);
  }

  async latestWeight(email: string): Promise<number | undefined> {
    const row = this.#get(
      'SELECT weight FROM weights WHERE user_email = ? ORDER BY time DESC, id DESC LIMIT 1',
      email,
    );
    return row === undefined ? undefined : Number(row.weight);
  }

  async addFeedback(email: string, feedback: string, time: string): Promise<void> {
    this.#run(
      'INSERT INTO feedback (user_email, feedback, time, created_at) VALUES (?, ?, ?, ?)',
      email,
      feedback,
      time,
      now(),
    );
  }

  async close(): Promise<void> {
    if (this.#db.isOpen) this.#db.close();
    this.#removeTempDir();
  }

  #removeTempDir(): void {
    if (this.#tempDir !== undefined) rmSync(this.#tempDir, { recursive: true, force: true });
  }
}

function now(): string {
  return new Date().toISOString();
}
