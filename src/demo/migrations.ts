/**
 * Schema versions, applied in order and recorded in schema_migrations (same mechanism for both dialects, so
 * a kept SQLite file or a PostgreSQL database upgrades in place). Append; never edit an applied one.
 */
export interface Migration {
  version: number;
  name: string;
  sqlite: string;
  postgres: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'users, posts, students, accounts, food platform',
    // posts.user_id is checked at commit (deferred) so createPost can insert first and roll back itself.
    sqlite: `
      CREATE TABLE users (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL,
        email TEXT NOT NULL UNIQUE,
        post_count INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL
      );
      CREATE TABLE posts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        user_id INTEGER NOT NULL REFERENCES users(id) DEFERRABLE INITIALLY DEFERRED,
        title TEXT NOT NULL,
        content TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE INDEX posts_user_id ON posts(user_id);
      CREATE TABLE students (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL,
        email TEXT NOT NULL UNIQUE,
        domain TEXT,
        gpa REAL,
        created_at TEXT NOT NULL
      );
      CREATE TABLE accounts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        email TEXT NOT NULL UNIQUE,
        full_name TEXT NOT NULL,
        user_name TEXT NOT NULL,
        phone TEXT,
        password_hash TEXT,
        provider TEXT NOT NULL,
        language TEXT NOT NULL DEFAULT 'en',
        created_at TEXT NOT NULL
      );
      CREATE INDEX accounts_user_name ON accounts(user_name);
      CREATE TABLE food_records (
        user_email TEXT NOT NULL,
        time INTEGER NOT NULL,
        day TEXT NOT NULL,
        dish_name TEXT NOT NULL,
        calories INTEGER NOT NULL,
        weight INTEGER NOT NULL,
        proteins INTEGER NOT NULL,
        fats INTEGER NOT NULL,
        carbohydrates INTEGER NOT NULL,
        sugar INTEGER NOT NULL,
        ingredients TEXT NOT NULL,
        is_alcohol INTEGER NOT NULL,
        photo_type TEXT NOT NULL,
        photo_sha256 TEXT NOT NULL,
        PRIMARY KEY (user_email, time)
      );
      CREATE INDEX food_records_day ON food_records(user_email, day);
      CREATE TABLE weights (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        user_email TEXT NOT NULL,
        weight REAL NOT NULL,
        time INTEGER NOT NULL
      );
      CREATE INDEX weights_user_time ON weights(user_email, time);
      CREATE TABLE feedback (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        user_email TEXT NOT NULL,
        feedback TEXT NOT NULL,
        time TEXT NOT NULL,
        created_at TEXT NOT NULL
      );`,
    postgres: `
      CREATE TABLE users (
        id SERIAL PRIMARY KEY,
        name TEXT NOT NULL,
        email TEXT NOT NULL UNIQUE,
        post_count INTEGER NOT NULL DEFAULT 0,
        created_at TIMESTAMPTZ NOT NULL
      );
      CREATE TABLE posts (
        id SERIAL PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users(id) DEFERRABLE INITIALLY DEFERRED,
        title TEXT NOT NULL,
        content TEXT NOT NULL,
        created_at TIMESTAMPTZ NOT NULL
      );
      CREATE INDEX posts_user_id ON posts(user_id);
      CREATE TABLE students (
        id SERIAL PRIMARY KEY,
        name TEXT NOT NULL,
        email TEXT NOT NULL UNIQUE,
        domain TEXT,
        gpa DOUBLE PRECISION,
        created_at TIMESTAMPTZ NOT NULL
      );
      CREATE TABLE accounts (
        id SERIAL PRIMARY KEY,
        email TEXT NOT NULL UNIQUE,
        full_name TEXT NOT NULL,
        user_name TEXT NOT NULL,
        phone TEXT,
        password_hash TEXT,
        provider TEXT NOT NULL,
        language TEXT NOT NULL DEFAULT 'en',
        created_at TIMESTAMPTZ NOT NULL
      );
      CREATE INDEX accounts_user_name ON accounts(user_name);
      CREATE TABLE food_records (
        user_email TEXT NOT NULL,
        time BIGINT NOT NULL,
        day TEXT NOT NULL,
        dish_name TEXT NOT NULL,
        calories INTEGER NOT NULL,
        weight INTEGER NOT NULL,
        proteins INTEGER NOT NULL,
        fats INTEGER NOT NULL,
        carbohydrates INTEGER NOT NULL,
        sugar INTEGER NOT NULL,
        ingredients TEXT NOT NULL,
        is_alcohol BOOLEAN NOT NULL,
        photo_type TEXT NOT NULL,
        photo_sha256 TEXT NOT NULL,
        PRIMARY KEY (user_email, time)
      );
      CREATE INDEX food_records_day ON food_records(user_email, day);
      CREATE TABLE weights (
        id SERIAL PRIMARY KEY,
        user_email TEXT NOT NULL,
        weight REAL NOT NULL,
        time BIGINT NOT NULL
      );
      CREATE INDEX weights_user_time ON weights(user_email, time);
      CREATE TABLE feedback (
        id SERIAL PRIMARY KEY,
        user_email TEXT NOT NULL,
        feedback TEXT NOT NULL,
        time TEXT NOT NULL,
        created_at TIMESTAMPTZ NOT NULL
      );`,
  },
];
