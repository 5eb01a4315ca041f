/**
 * In-process: the time and randomness scenario code reads is recorded per user and handed back on replay,
 * while code outside a user (the engine, the test itself) keeps the real functions; every patch is gone
 * after the run.
 */
import assert from 'node:assert/strict';
import nodeCrypto from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { resolveRunPlan } from '../../src/engine/resolve-plan.ts';
import { runLoadTest } from '../../src/engine/run.ts';
import type { LoadedScenario } from '../../src/engine/scenario-loader.ts';
import { createRecorder, prepareRecording } from '../../src/record/run-options.ts';
import { unique } from '../../src/script/unique.ts';
import { task, user } from '../../src/script/user.ts';
import { startServer, type TestServer } from '../helpers/servers.ts';

const seen = new Map<number, unknown[]>();
const realDate = Date;
const realRandom = Math.random;
const realPerformanceNow = performance.now;
const realUUID = crypto.randomUUID;
const realNodeUUID = nodeCrypto.randomUUID;
const realUniqueEmail = unique.email;

const reader = user({
  tasks: [
    task({ name: 'read' }, async (vu) => {
      const values = [
        Date.now(),
        new Date().toISOString(),
        Date(),
        performance.now(),
        Math.random(),
        crypto.randomUUID(),
        nodeCrypto.randomUUID(),
        [...crypto.getRandomValues(new Uint8Array(3))],
        unique.email('x'),
        new Date(0).toISOString(),
      ];
      await new Promise((resolve) => setTimeout(resolve, 5));
      values.push(Math.random()); // after a timer: still this user's
      await vu.http.get('/echo', {
        check: () => {
          values.push(Math.random()); // in a check: still this user's
          return true;
        },
      });
      values.push(Date.now()); // after a request
      seen.set(vu.id, [...(seen.get(vu.id) ?? []), ...values]);
    }),
  ],
});

const scenario: LoadedScenario = { path: 'capture.ts', userClasses: [reader], options: {} };

async function run(options: Parameters<typeof prepareRecording>[0]) {
  const { options: resolved, setup } = await prepareRecording(options);
  const plan = resolveRunPlan(resolved, scenario, { log: () => {} });
  if (setup) plan.recorder = createRecorder(setup, plan, () => {});
  return runLoadTest(plan);
}

describe('time and randomness capture', () => {
  let server: TestServer;
  let dir: string;

  before(async () => {
    server = await startServer((_req, res) => res.end('ok'));
    dir = mkdtempSync(join(tmpdir(), 'volley-capture-'));
  });

  after(async () => {
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('replay hands every user the values it read when recorded; nothing stays patched', async () => {
    const har = join(dir, 'capture.har');
    const recorded = await run({ host: server.url, users: 3, iterations: 2, record: har });
    assert.equal(recorded.aggregated.failures, 0);
    const first = new Map(seen);
    seen.clear();
    for (const [fn, real] of [
      [Date, realDate],
      [Math.random, realRandom],
      [performance.now, realPerformanceNow],
      [crypto.randomUUID, realUUID],
      [nodeCrypto.randomUUID, realNodeUUID],
      [unique.email, realUniqueEmail],
    ] as const) {
      assert.equal(fn, real);
    }
    await new Promise((resolve) => setTimeout(resolve, 20)); // time moves on: replay must not notice
    await server.close();
    const replayed = await run({ replay: har });
    assert.equal(replayed.aggregated.failures, 0);
    assert.deepEqual(replayed.recording?.divergences, []);
    assert.equal(first.size, 3);
    for (const [id, values] of first) assert.deepEqual(seen.get(id), values, `user ${id}`);
    // Different users read different values.
    assert.notDeepEqual(first.get(1), first.get(2));
    assert.equal(Date, realDate);
    assert.equal(Math.random, realRandom);
  });
});
