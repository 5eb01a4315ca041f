import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadConfigFile, mergeOptions, readEnvOptions, validateOptionsObject } from '../../src/cli/config.ts';

test('env vars map to settings by the flag name', () => {
  const env = readEnvOptions({
    VOLLEY_HOST: 'http://127.0.0.1:1',
    VOLLEY_USERS: '7',
    VOLLEY_SPAWN_RATE: '2.5',
    VOLLEY_RUN_TIME: '1m',
    VOLLEY_TAGS: 'read, write',
    VOLLEY_THRESHOLDS: 'p95<500;GET /a,b: p99<900',
    VOLLEY_HEADLESS: 'true',
    VOLLEY_CSV_FULL_HISTORY: '0',
  });
  assert.deepEqual(env, {
    host: 'http://127.0.0.1:1',
    users: 7,
    spawnRate: 2.5,
    runTime: '1m',
    tags: ['read', 'write'],
    thresholds: ['p95<500', 'GET /a,b: p99<900'],
    headless: true,
    csvFullHistory: false,
  });
});

test('a malformed env var names itself', () => {
  assert.throws(() => readEnvOptions({ VOLLEY_USERS: 'many' }), {
    name: 'OptionError',
    message: 'VOLLEY_USERS: expected a whole number, got "many"',
  });
});

test('precedence: config file < scenario options < env < flags', () => {
  const merged = mergeOptions(
    { host: 'http://config', users: 1, runTime: '10s', seed: 1 },
    { users: 2, runTime: '20s', iterations: 3 },
    { runTime: '30s', host: undefined },
    { users: 4 },
  );
  assert.deepEqual(merged, { host: 'http://config', users: 4, runTime: '30s', seed: 1, iterations: 3 });
});

test('config objects are checked key by key', () => {
  assert.deepEqual(validateOptionsObject({ users: 3, tags: 'a,b', runTime: 30 }, 'cfg', false), {
    users: 3,
    tags: ['a', 'b'],
    runTime: 30,
  });
  assert.throws(
    () => validateOptionsObject({ user: 3 }, 'cfg', false),
    /cfg: unknown setting "user" \(known: host, users,/,
  );
  assert.throws(() => validateOptionsObject({ users: '3' }, 'cfg', false), {
    message: 'cfg: users: expected a whole number, got "3"',
  });
  assert.throws(
    () => validateOptionsObject({ scenario: 'x.ts' }, 'cfg', false),
    /unknown setting "scenario"/,
  );
});

test('volley.config.json is found in the working directory; scenario resolves beside it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'volley-config-'));
  writeFileSync(join(dir, 'volley.config.json'), JSON.stringify({ users: 5, scenario: 'load.ts' }));
  assert.deepEqual(await loadConfigFile(undefined, dir), { users: 5, scenario: join(dir, 'load.ts') });
  assert.deepEqual(await loadConfigFile(undefined, tmpdir()), {});
  writeFileSync(join(dir, 'bad.json'), '{ users: 5 ');
  await assert.rejects(loadConfigFile('bad.json', dir), /bad\.json: invalid JSON/);
  await assert.rejects(loadConfigFile('missing.json', dir), {
    message: '--config: file not found: missing.json',
  });
});

test('a TypeScript config file exports its settings as default', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'volley-config-'));
  writeFileSync(
    join(dir, 'volley.config.ts'),
    'const users: number = 9;\nexport default { users, runTime: "5s" };\n',
  );
  assert.deepEqual(await loadConfigFile(undefined, dir), { users: 9, runTime: '5s' });
});
