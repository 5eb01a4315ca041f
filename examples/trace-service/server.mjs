// A users/posts/stats service on node:sqlite: the Flask+SQLite server of the server-side record/replay
// project, in Node. Business logic, database calls, one outbound call, time and randomness — everything
// `volley trace` records and replays. No volley import: it is an ordinary service.
//
//   PORT=3000 DATA_DIR=data WELCOME_URL=http://127.0.0.1:5000/ node examples/trace-service/server.mjs
import { mkdirSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

const port = Number(process.env.PORT ?? 3000);
const dataDir = process.env.DATA_DIR ?? 'data';
// An outside service asked for a welcome line for each new user (`volley demo` answers GET / with one);
// WELCOME_URL= (empty) turns the call off.
const welcomeUrl = process.env.WELCOME_URL ?? 'http://127.0.0.1:5000/';

mkdirSync(dataDir, { recursive: true });
const db = new DatabaseSync(join(dataDir, 'app.db'));
db.exec(`
  CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    email TEXT NOT NULL UNIQUE,
    api_key TEXT NOT NULL,
    welcome TEXT,
    created_at TEXT NOT NULL
  );
  CREATE TABLE IF NOT EXISTS posts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users(id),
    title TEXT NOT NULL,
    content TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
`);

const insertUser = db.prepare(
  'INSERT INTO users (name, email, api_key, welcome, created_at) VALUES (?, ?, ?, ?, ?)',
);
const userById = db.prepare('SELECT id, name, email, welcome, created_at FROM users WHERE id = ?');
const listUsers = db.prepare(
  `SELECT u.id, u.name, u.email, u.created_at, COUNT(p.id) AS post_count
     FROM users u LEFT JOIN posts p ON p.user_id = u.id
    GROUP BY u.id ORDER BY u.id LIMIT ? OFFSET ?`,
);
const insertPost = db.prepare('INSERT INTO posts (user_id, title, content, created_at) VALUES (?, ?, ?, ?)');
const postById = db.prepare('SELECT id, user_id, title, content, created_at FROM posts WHERE id = ?');
const postsOf = db.prepare(
  'SELECT id, user_id, title, content, created_at FROM posts WHERE user_id = ? ORDER BY id',
);
const totals = db.prepare(
  'SELECT (SELECT COUNT(*) FROM users) AS users, (SELECT COUNT(*) FROM posts) AS posts',
);

class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

function field(body, name, max) {
  const value = body[name];
  if (typeof value !== 'string' || value.trim() === '') throw new HttpError(400, `${name} is required`);
  if (value.length > max) throw new HttpError(400, `${name} is longer than ${max} characters`);
  return value.trim();
}

async function welcomeFor(name) {
  if (welcomeUrl === '') return null;
  try {
    const res = await fetch(welcomeUrl, {
      headers: { accept: 'text/plain' },
      signal: AbortSignal.timeout(2000),
    });
    return res.ok ? `${(await res.text()).trim()} Welcome, ${name}.` : null;
  } catch {
    return null; // the welcome line is a nicety: a user is created without it
  }
}

const routes = [
  ['GET', /^\/health$/, () => [200, { status: 'healthy', time: new Date().toISOString() }]],
  [
    'POST',
    /^\/api\/users$/,
    async (body) => {
      const name = field(body, 'name', 100);
      const email = field(body, 'email', 200);
      if (!email.includes('@')) throw new HttpError(400, 'email must contain @');
      const apiKey = `key_${crypto.randomUUID().replaceAll('-', '')}`;
      const welcome = await welcomeFor(name);
      try {
        const { lastInsertRowid } = insertUser.run(name, email, apiKey, welcome, new Date().toISOString());
        return [201, { ...userById.get(lastInsertRowid), created: true }];
      } catch (error) {
        if (String(error.message).includes('UNIQUE')) throw new HttpError(409, `email ${email} is taken`);
        throw error;
      }
    },
  ],
  [
    'GET',
    /^\/api\/users$/,
    (_body, _match, query) => {
      const limit = Math.min(Math.max(Number(query.get('limit') ?? 20) || 20, 1), 100);
      const offset = Math.max(Number(query.get('offset') ?? 0) || 0, 0);
      return [200, listUsers.all(limit, offset)];
    },
  ],
  [
    'GET',
    /^\/api\/users\/(\d+)$/,
    (_body, match) => {
      const user = userById.get(Number(match[1]));
      if (user === undefined) throw new HttpError(404, `user ${match[1]} not found`);
      return [200, user];
    },
  ],
  [
    'POST',
    /^\/api\/posts$/,
    (body) => {
      const userId = Number(body.user_id);
      if (!Number.isInteger(userId) || userById.get(userId) === undefined) {
        throw new HttpError(404, `user ${body.user_id} not found: post not created`);
      }
      const title = field(body, 'title', 200);
      const content = field(body, 'content', 10_000);
      const { lastInsertRowid } = insertPost.run(userId, title, content, new Date().toISOString());
      return [201, postById.get(lastInsertRowid)];
    },
  ],
  [
    'GET',
    /^\/api\/users\/(\d+)\/posts$/,
    (_body, match) => {
      const userId = Number(match[1]);
      if (userById.get(userId) === undefined) throw new HttpError(404, `user ${userId} not found`);
      return [200, postsOf.all(userId)];
    },
  ],
  [
    'GET',
    /^\/api\/stats$/,
    () => {
      const t = totals.get();
      // A request id, as services put in their answers: random, so replay must give back the recorded one.
      return [
        200,
        { total_users: t.users, total_posts: t.posts, request_id: Math.random().toString(36).slice(2, 10) },
      ];
    },
  ],
];

async function readJson(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'the body is not JSON');
  }
}

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  let status;
  let payload;
  try {
    const route = routes.find(([method, path]) => method === req.method && path.test(url.pathname));
    if (route === undefined) throw new HttpError(404, `no route for ${req.method} ${url.pathname}`);
    const body = req.method === 'POST' ? await readJson(req) : {};
    [status, payload] = await route[2](body, route[1].exec(url.pathname), url.searchParams);
  } catch (error) {
    status = error instanceof HttpError ? error.status : 500;
    payload = { error: error instanceof HttpError ? error.message : 'internal error' };
    if (!(error instanceof HttpError)) console.error(error);
  }
  const text = JSON.stringify(payload);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
});

server.listen(port, '127.0.0.1', () =>
  console.log(`trace-service listening on http://127.0.0.1:${server.address().port}`),
);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    server.close();
    db.close();
    process.exit(0);
  });
}
