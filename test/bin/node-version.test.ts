import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { MIN_NODE, nodeVersionProblem } from '../../bin/node-version.js';
import { VOLLEY_BIN } from '../helpers/cli.ts';

const NEEDS =
  /^volley: needs Node\.js >= 22\.19 \(this is v\S+\); install Node 22 or 24 from https:\/\/nodejs\.org or with `nvm install 24`$/;

test('accepts the Node versions the package declares and refuses older ones', () => {
  for (const ok of ['v22.19.0', 'v22.20.1', 'v23.0.0', 'v24.21.0', '25.1.0'])
    assert.equal(nodeVersionProblem(ok), null, ok);
  for (const old of ['v22.18.0', 'v20.20.2', 'v18.19.1', 'v21.99.0']) {
    assert.match(nodeVersionProblem(old) ?? '', NEEDS, old);
  }
  assert.match(nodeVersionProblem('20.1.0') ?? '', /\(this is v20\.1\.0\)/);
});

test('the minimum is the one package.json declares in "engines"', () => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  assert.equal(pkg.engines.node, `>=${MIN_NODE.join('.')}`);
});

/** A Node older than the minimum on this machine's PATH (not the pinned one in node_modules), if any. */
function oldNode(): string | null {
  const found = spawnSync('which', ['-a', 'node'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
  for (const path of found.filter((p) => !p.includes('node_modules'))) {
    const version = execFileSync(path, ['--version'], { encoding: 'utf8' }).trim();
    if (nodeVersionProblem(version) !== null) return path;
  }
  return null;
}

const old = oldNode();
test('bin/volley.js on an older Node prints one line saying which Node it needs, exit 2', {
  skip: old === null ? 'no Node older than 22.19 on PATH (the version rule is tested above)' : false,
}, () => {
  const r = spawnSync(old as string, [VOLLEY_BIN, 'run', 'x.ts'], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(r.status, 2, r.stderr);
  assert.equal(r.stdout, '');
  assert.match(r.stderr.trimEnd(), NEEDS);
  assert.equal(r.stderr.trimEnd().split('\n').length, 1);
});
