import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startLocalCluster } from '../../src/cluster/live-cluster.ts';
import { resolveRunPlan } from '../../src/engine/resolve-plan.ts';
import { loadScenario } from '../../src/engine/scenario-loader.ts';
import type { VolleyOptions } from '../../src/script/options.ts';
import { startServer, type TestServer } from '../helpers/servers.ts';

let server: TestServer;
before(async () => {
  server = await startServer((_req, res) => res.end('ok'));
});
after(() => server.close());

async function start(settings: VolleyOptions, processes: number) {
  const dir = mkdtempSync(join(tmpdir(), 'volley-live-cluster-'));
  const file = join(dir, 'scenario.ts');
  writeFileSync(
    file,
    `import { user } from 'volley';\nexport const U = user({ tasks: [async (vu) => { await vu.http.get('/'); }] });\n`,
  );
  const plan = resolveRunPlan(settings, await loadScenario(file), { reporters: [], log: () => {} });
  return startLocalCluster(plan, settings, processes, { cwd: dir });
}

test('the web UI’s --processes 3 forks 3 workers for 1 user (the idle ones wait for an edit)', {
  timeout: 60_000,
}, async () => {
  const run = await start({ host: server.url, users: 1, runTime: '1s' }, 3);
  assert.equal(run.workers().length, 3);
  const summary = await run.done;
  assert.equal(summary.meta.stopReason, 'run-time');
  assert.deepEqual(
    run.workers().map((w) => w.state),
    ['done', 'done', 'done'],
  );
});

test('with --iterations, never more workers than users: one without users would never finish', {
  timeout: 60_000,
}, async () => {
  const run = await start({ host: server.url, users: 1, iterations: 2 }, 3);
  assert.equal(run.workers().length, 1);
  const summary = await run.done;
  assert.equal(summary.aggregated.requests, 2);
  assert.equal(summary.meta.stopReason, 'iterations');
});
