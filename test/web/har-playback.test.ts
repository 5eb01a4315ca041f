/**
 * `volley run FILE.har` with the web UI: a run started from the UI's API plays the captured traffic (every
 * request, ids collapsed) and the UI's numbers say so, in one process and dealt to --processes 2.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { harEntry, harText } from '../helpers/har-entry.ts';
import { startServer, type TestServer } from '../helpers/servers.ts';
import { post, request } from './http-request.ts';
import { startWebCli } from './web-cli.ts';

const REQUESTS = 24;
let target: TestServer;
let arrivals: string[] = [];
const dir = mkdtempSync(join(tmpdir(), 'volley-web-har-'));

before(async () => {
  target = await startServer((req, res) => {
    arrivals.push(`${req.method} ${req.url}`);
    res.end('ok');
  });
  // 24 requests 100 ms apart (2.4 s, 0.3 s at --speed 8); every fourth a POST; ids in the paths.
  const t0 = Date.parse('2026-01-01T00:00:00.000Z');
  const entries = Array.from({ length: REQUESTS }, (_, i) =>
    harEntry({
      startedDateTime: new Date(t0 + i * 100).toISOString(),
      method: i % 4 === 0 ? 'POST' : 'GET',
      url: `https://api.example.test/items/${100 + i}`,
      waitMs: 5,
    }),
  );
  writeFileSync(join(dir, 'traffic.har'), harText(entries));
});
after(() => target.close());

interface View {
  state: string;
  ended: { exitCode: number } | null;
  stats: {
    snapshot: {
      aggregated: { requests: number; failures: number };
      endpoints: { method: string; name: string; requests: number }[];
    };
  } | null;
}

/** Starts the run from the UI, as its Start button does, and returns the UI's state once it ended. */
async function playFromTheUi(extra: string[]): Promise<View & { workers: unknown[] | null }> {
  arrivals = [];
  const cli = await startWebCli(
    ['traffic.har', '-H', target.url, '--speed', '8', '--web-port', '0', ...extra],
    {
      cwd: dir,
      timeoutMs: 30_000,
    },
  );
  try {
    const started = await post(cli.url, '/api/start', {});
    assert.equal(started.status, 200, started.body);
    for (let i = 0; i < 200; i++) {
      const view = JSON.parse((await request(`${cli.url}api/state`)).body) as View;
      if (view.state === 'stopped') {
        const { workers } = JSON.parse((await request(`${cli.url}api/workers`)).body);
        return { ...view, workers };
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`the playback did not end:\n${cli.stderr()}`);
  } finally {
    cli.child.kill('SIGINT');
    await cli.exited;
  }
}

function assertPlayedEverything(view: View): void {
  assert.equal(view.ended?.exitCode, 0);
  assert.equal(arrivals.length, REQUESTS, 'every request, none twice');
  assert.equal(view.stats?.snapshot.aggregated.requests, REQUESTS);
  assert.equal(view.stats?.snapshot.aggregated.failures, 0);
  assert.deepEqual(view.stats?.snapshot.endpoints.map((e) => `${e.method} ${e.name} ${e.requests}`).sort(), [
    'GET /items/:id 18',
    'POST /items/:id 6',
  ]);
}

test('a playback started from the web UI sends every request and the UI shows its endpoints', async () => {
  const view = await playFromTheUi([]);
  assertPlayedEverything(view);
  assert.equal(view.workers, null, 'played in this process');
});

test('a playback started from the web UI over --processes 2 runs in two workers and the UI shows the total of both', async () => {
  const view = await playFromTheUi(['--processes', '2']);
  assertPlayedEverything(view);
  assert.equal(view.workers?.length, 2, JSON.stringify(view.workers));
});
