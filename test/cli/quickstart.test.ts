import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { RunSummary } from '../../src/metrics/summary.ts';
import { runCli } from '../helpers/cli.ts';

test('quickstart (npm run demo) serves the demo API, runs the mixed example and writes the reports', async () => {
  const cwd = mkdtempSync(join(tmpdir(), 'volley-quickstart-'));
  const r = await runCli(['quickstart', '-t', '4s', '-u', '6', '-r', '6', '--print-every', '2s'], {
    cwd,
    timeoutMs: 60_000,
  });
  assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
  for (const f of [
    'demo_stats.csv',
    'demo_stats_history.csv',
    'demo_failures.csv',
    'demo_exceptions.csv',
    'demo.json',
    'demo.html',
  ]) {
    assert.ok(existsSync(join(cwd, 'reports', f)), f);
  }
  const summary = JSON.parse(readFileSync(join(cwd, 'reports', 'demo.json'), 'utf8')) as RunSummary;
  assert.ok(summary.aggregated.requests > 5, `requests ${summary.aggregated.requests}`);
  assert.equal(summary.aggregated.failures, 0);
  assert.equal(summary.exceptions.length, 0);
  assert.ok(summary.endpoints.some((e) => e.name.startsWith('/students')));
  assert.ok(summary.endpoints.some((e) => e.name === '/client_login'));
  assert.match(r.stdout, /Response time percentiles/);
  // Not a terminal: compact progress lines, the tables once, and where the reports went at the end.
  assert.equal(r.stdout.match(/^Type +Name +# reqs/gm)?.length, 1, r.stdout);
  assert.ok((r.stdout.match(/^volley 0:0\d \/ 0:04 {3}users \d+ {3}req\/s /gm)?.length ?? 0) >= 1, r.stdout);
  assert.match(
    r.stdout,
    /\nReports:\n {2}reports\/demo\.html\n {2}reports\/demo\.json\n {2}reports\/demo_stats\.csv\n {2}reports\/demo_stats_history\.csv\n {2}reports\/demo_failures\.csv\n {2}reports\/demo_exceptions\.csv\n {2}reports\/demo_checks\.csv\n$/,
  );
});
