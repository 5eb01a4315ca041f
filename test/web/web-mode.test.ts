import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { RunSummary } from '../../src/metrics/summary.ts';
import { runCli } from '../helpers/cli.ts';
import { startServer, type TestServer } from '../helpers/servers.ts';
import { post, request } from './http-request.ts';
import { startWebCli, webScenario } from './web-cli.ts';

let target: TestServer;
before(async () => {
  target = await startServer((_req, res) => res.end('ok'));
});
after(() => target.close());

test('--autostart runs at once and --autoquit quits after the run, with reports (no token in them) and the exit code', async () => {
  const { dir } = webScenario();
  const cli = await startWebCli(
    [
      'scenario.ts',
      '-H',
      target.url,
      '-u',
      '2',
      '-t',
      '1s',
      '--web-port',
      '0',
      '--autostart',
      '--autoquit',
      '0',
      '--json-file',
      'out.json',
      '--web-auth',
      'hunter2',
    ],
    { cwd: dir, timeoutMs: 20_000 },
  );
  assert.match(cli.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  const state = JSON.parse(
    (await request(`${cli.url}api/state`, { headers: { authorization: 'Bearer hunter2' } })).body,
  );
  assert.equal(state.state, 'running');
  assert.equal(await cli.exited, 0, cli.stderr());
  const summary = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as RunSummary;
  assert.equal(summary.meta.stopReason, 'run-time');
  assert.match(summary.meta.command, /--web-auth \*\*\*$/, 'the token stays out of reports');
  assert.ok(summary.aggregated.requests > 0);
  assert.match(cli.stderr(), /run 1 ended \(run-time\), exit code 0/);
});

test('Ctrl-C with the UI waiting (no run) quits with 0; the token is not printed for a loopback bind', async () => {
  const { dir } = webScenario();
  const cli = await startWebCli(['scenario.ts', '--web-port', '0'], { cwd: dir, timeoutMs: 20_000 });
  assert.doesNotMatch(cli.url, /token/);
  cli.child.kill('SIGINT');
  assert.equal(await cli.exited, 0, cli.stderr());
});

test('bad web settings fail at start with one line and exit 2', async () => {
  const { dir } = webScenario();
  const env = { VOLLEY_HEADLESS: '' };
  const port = await runCli(['run', 'scenario.ts', '--web-port', '70000'], { cwd: dir, env });
  assert.equal(port.code, 2);
  assert.match(port.stderr, /--web-port: expected 0\.\.65535/);
  const host = await runCli(['run', 'scenario.ts', '--web-port', '0', '--web-host', '192.0.2.1'], {
    cwd: dir,
    env,
  });
  assert.equal(host.code, 2);
  assert.match(host.stderr, /--web-host 192\.0\.2\.1: not an address of this machine/);
  const tags = await runCli(['run', 'scenario.ts', '--web-port', '0', '-T', 'nope'], { cwd: dir, env });
  assert.equal(tags.code, 2);
  assert.match(tags.stderr, /no task left after tag selection/);
});

test('recording runs at once without the web UI, even without --headless', async () => {
  const { dir } = webScenario();
  const env = { VOLLEY_HEADLESS: '' };
  const r = await runCli(['run', 'scenario.ts', '-H', 'http://127.0.0.1:9', '-i', '1', '--record', 'x.har'], {
    cwd: dir,
    env,
    timeoutMs: 20_000,
  });
  assert.doesNotMatch(r.stderr, /web UI on/);
  assert.ok(existsSync(join(dir, 'x.har')), r.stderr);
});

test('an open-model run (--arrival-rate) is steered by its rate from the UI', async () => {
  const { dir } = webScenario();
  const cli = await startWebCli(
    ['scenario.ts', '-H', target.url, '--arrival-rate', '10', '-t', '20s', '--web-port', '0', '--autostart'],
    { cwd: dir, timeoutMs: 20_000 },
  );
  try {
    const state = JSON.parse((await request(`${cli.url}api/state`)).body);
    assert.equal(state.loadModel, 'open');
    assert.equal(state.targetRate, 10, 'the Edit form starts from --arrival-rate');
    const rate = await post(cli.url, '/api/rate', { rate: 30 });
    assert.equal(rate.status, 200, rate.body);
    assert.equal(JSON.parse(rate.body).targetRate, 30);
    assert.equal((await post(cli.url, '/api/users', { users: 3 })).status, 409);
    assert.equal((await post(cli.url, '/api/stop')).status, 200);
  } finally {
    cli.child.kill('SIGINT');
  }
  assert.equal(await cli.exited, 0, cli.stderr());
  assert.match(cli.stderr(), /arrival rate set to 30\/s/);
});

test('Ctrl-C during a run stops it, writes its reports, then quits', async () => {
  const { dir } = webScenario();
  const cli = await startWebCli(
    [
      'scenario.ts',
      '-H',
      target.url,
      '-u',
      '2',
      '-t',
      '30s',
      '--web-port',
      '0',
      '--autostart',
      '--json-file',
      'r.json',
    ],
    { cwd: dir, timeoutMs: 20_000 },
  );
  // Wait for requests to be counted, then interrupt: polled (bounded), failing loudly if they never are.
  let counted = false;
  for (let i = 0; i < 100 && !counted; i++) {
    const state = JSON.parse((await request(`${cli.url}api/state`)).body);
    counted = (state.stats?.snapshot.aggregated.requests ?? 0) > 0;
    if (!counted) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (!counted) cli.child.kill('SIGKILL');
  assert.ok(counted, 'no request counted after 10 s of polling');
  cli.child.kill('SIGINT');
  assert.equal(await cli.exited, 0, cli.stderr());
  assert.match(cli.stderr(), /SIGINT: stopping, writing reports, quitting/);
  const summary = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as RunSummary;
  assert.equal(summary.meta.stopReason, 'stopped');
  assert.ok(summary.aggregated.requests > 0);
});
