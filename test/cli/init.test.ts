import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { startServer } from '../helpers/servers.ts';

const FILES = [
  'package.json',
  'tsconfig.json',
  'volley.config.json',
  'scenario.ts',
  'README.md',
  '.gitignore',
];

test('volley init DIR writes a project that depends on volley, with a scenario that waits', async () => {
  const parent = mkdtempSync(join(tmpdir(), 'volley-init-'));
  const r = await runCli(['init', 'My Load Tests'], { cwd: parent });
  assert.equal(r.code, 0, r.stderr);
  const dir = join(parent, 'My Load Tests');
  for (const file of FILES) assert.ok(existsSync(join(dir, file)), file);
  assert.match(
    r.stdout,
    /^volley: wrote package\.json, .* in My Load Tests\nNext:\n {2}cd My Load Tests\n {2}npm install\n/,
  );
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  assert.equal(pkg.name, 'my-load-tests');
  assert.match(pkg.dependencies.volley, /^\^\d+\.\d+\.\d+$/);
  assert.match(readFileSync(join(dir, 'scenario.ts'), 'utf8'), /wait: between\(1, 3\)/);
  assert.equal(JSON.parse(readFileSync(join(dir, 'volley.config.json'), 'utf8')).scenario, 'scenario.ts');
  assert.match(readFileSync(join(dir, 'README.md'), 'utf8'), /npm run load:smoke/);
});

test('volley init refuses to overwrite files unless --force', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'volley-init-'));
  writeFileSync(join(dir, 'scenario.ts'), '// mine\n');
  const refused = await runCli(['init'], { cwd: dir });
  assert.equal(refused.code, 2);
  assert.equal(
    refused.stderr.trim(),
    `volley: ${dir} already has scenario.ts; choose another folder or add --force to overwrite`,
  );
  assert.equal(readFileSync(join(dir, 'scenario.ts'), 'utf8'), '// mine\n');
  const forced = await runCli(['init', '--force'], { cwd: dir });
  assert.equal(forced.code, 0, forced.stderr);
  assert.match(readFileSync(join(dir, 'scenario.ts'), 'utf8'), /between\(1, 3\)/);
});

test('the scaffolded project runs from its folder with volley run and its config file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'volley-init-'));
  assert.equal((await runCli(['init'], { cwd: dir })).code, 0);
  const server = await startServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(req.url?.startsWith('/students/') ? '{"id":1,"name":"a"}' : '[{"id":1,"name":"a"}]');
  });
  try {
    const r = await runCli(['run', '-H', server.url, '-u', '1', '-i', '2', '--only-summary'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Aggregated/);
    assert.ok(existsSync(join(dir, 'reports/report.html')));
  } finally {
    await server.close();
  }
});
