/**
 * Secrets in a trace recording: a service hands out a session token and an API key, a client sends them
 * back in headers, a query string and a path. The recording holds none of them (nor the password), the
 * recording and its FILE.secrets are private (0600), and a replay with FILE.secrets is exact.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCli } from '../helpers/cli.ts';

const SERVICE = fileURLToPath(new URL('./fixtures/token-service.mjs', import.meta.url));
const API_KEY = 'sk_live_f00dfacecafebeef42';

describe('secrets in a trace recording', { timeout: 120_000 }, () => {
  let dir: string;
  let recording: string;
  const seen: string[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'volley-trace-secrets-'));
    recording = join(dir, 'tokens.vtrace');
    let port: (p: string) => void;
    const listening = new Promise<string>((resolve) => {
      port = resolve;
    });
    const recorded = await runCli(['trace', 'record', '--out', recording, '--', 'node', SERVICE], {
      cwd: dir,
      env: { SERVICE_API_KEY: API_KEY },
      timeoutMs: 60_000,
      onOutput: (text) => {
        const m = /token-service on (\d+)/.exec(text);
        if (m) port(m[1] as string);
      },
      interruptWhen: listening.then(async (p) => {
        const base = `http://127.0.0.1:${p}`;
        for (const user of ['ada', 'grace']) {
          const login = await fetch(`${base}/login`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ user, password: `${user}-pass-word` }),
          });
          const { token, api_key } = (await login.json()) as { token: string; api_key: string };
          seen.push(token);
          const items = await fetch(`${base}/items/${token}?api_key=${api_key}`, {
            headers: { authorization: `Bearer ${token}`, 'x-auth-token': token },
          });
          assert.equal(items.status, 200);
        }
        assert.equal((await fetch(`${base}/keys`)).status, 200);
      }),
    });
    assert.equal(recorded.code, 0, recorded.stderr);
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('holds no token, API key or password, and placeholders stand in their places', () => {
    const text = readFileSync(recording, 'utf8');
    assert.equal(seen.length, 2);
    for (const secret of [...seen, API_KEY, 'ada-pass-word', 'grace-pass-word']) {
      assert.equal(text.includes(secret), false, `the recording holds ${secret}`);
    }
    assert.match(text, /"url":"\/items\/__REDACTED_\d+__\?api_key=__REDACTED_\d+__"/);
    assert.match(text, /"Bearer __REDACTED_\d+__"/);
    assert.match(
      text,
      /"INSERT INTO sessions \(token, user\) VALUES \(\?, \?\)","params":\["__REDACTED_\d+__","ada"\]/,
    );
  });

  it('redacts the cells of secret columns in rows a query returns', () => {
    const lines = readFileSync(recording, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { k?: string; a?: { sql?: string }; r?: unknown });
    const select = lines.find((line) => line.k === 'sqlite.all' && line.a?.sql?.includes('FROM keys'));
    const rows = JSON.stringify(select?.r);
    assert.equal(rows.match(/"secret":"__REDACTED_\d+__"/g)?.length, 2, rows);
    assert.doesNotMatch(rows, /[0-9A-F]{24}/);
  });

  it('writes the recording and its secrets file readable by their owner only', () => {
    assert.equal(statSync(recording).mode & 0o777, 0o600);
    assert.equal(statSync(`${recording}.secrets`).mode & 0o777, 0o600);
    const secrets = readFileSync(`${recording}.secrets`, 'utf8');
    for (const token of seen) assert.ok(secrets.includes(token));
  });

  it('replays exactly with the secrets file, and says what differs without it', async () => {
    const withSecrets = await runCli(['trace', 'replay', recording, '--', 'node', SERVICE], {
      cwd: dir,
      env: { SERVICE_API_KEY: API_KEY },
      timeoutMs: 60_000,
    });
    assert.equal(withSecrets.code, 0, withSecrets.stdout + withSecrets.stderr);
    assert.match(withSecrets.stdout, /^replay: 5\/5 identical/);

    renameSync(`${recording}.secrets`, join(dir, 'kept-aside'));
    const without = await runCli(['trace', 'replay', recording, '--', 'node', SERVICE], {
      cwd: dir,
      env: { SERVICE_API_KEY: API_KEY },
      timeoutMs: 60_000,
    });
    assert.equal(without.code, 1);
    assert.match(without.stdout, /^replay: \d\/5 identical/);
    assert.ok(!existsSync(`${recording}.secrets`));
  });

  it('refuses a --redact pattern that names nothing, in one line', async () => {
    const result = await runCli(
      ['trace', 'record', '--out', join(dir, 'x.vtrace'), '--redact', '*', '--', 'node', SERVICE],
      {
        cwd: dir,
      },
    );
    assert.equal(result.code, 2);
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
  });
});
