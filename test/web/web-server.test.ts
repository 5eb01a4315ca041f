import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { RunSummary } from '../../src/metrics/summary.ts';
import { RunSession } from '../../src/web/run-session.ts';
import { startWebServer, WebAuthRequiredError, type WebServer } from '../../src/web/web-server.ts';
import { smallSnapshot, smallSummary } from '../report/fixtures.ts';
import { DEFAULT_PARAMS, fakeLauncher } from './fake-launcher.ts';
import { post, request } from './http-request.ts';

const servers: WebServer[] = [];

/** An HTML report that shows how many snapshots of its run it was fed. */
function countingReport() {
  let snapshots = 0;
  return {
    add: () => {
      snapshots += 1;
    },
    render: (s: RunSummary) => `<html>${s.aggregated.requests} requests, ${snapshots} snapshots</html>`,
  };
}
after(() => Promise.all(servers.map((s) => s.close())));

async function start(options: { token?: string; htmlReport?: boolean } = {}) {
  const { launcher, runs } = fakeLauncher();
  const session = new RunSession({ launcher, defaults: DEFAULT_PARAMS });
  const server = await startWebServer({
    session,
    port: 0,
    token: options.token ?? null,
    title: 'scenario.ts',
    minEventIntervalMs: 50,
    ...(options.htmlReport ? { htmlReport: countingReport } : {}),
  });
  servers.push(server);
  return { server, session, runs, url: server.url };
}

test('serves the page, its assets from node_modules and the state; port 0 gives the real port', async () => {
  const { url, server } = await start();
  assert.notEqual(server.port, 0);
  assert.equal(url, `http://127.0.0.1:${server.port}/`);
  const page = await request(url);
  assert.equal(page.status, 200);
  assert.match(page.body, /<title>volley – scenario\.ts<\/title>/);
  assert.match(String(page.headers['content-security-policy']), /default-src 'self'/);
  for (const asset of ['assets/uplot.js', 'assets/uplot.css', 'assets/app.js', 'assets/app.css']) {
    const r = await request(url + asset);
    assert.equal(r.status, 200, asset);
    assert.ok(r.body.length > 100, asset);
  }
  const state = JSON.parse((await request(`${url}api/state`)).body);
  assert.equal(state.state, 'ready');
  assert.deepEqual(state.defaults, DEFAULT_PARAMS);
  assert.equal((await request(`${url}nope`)).status, 404);
});

test('start, change users, reset, stop through the API; wrong states answer 409, bad input 400', async () => {
  const { url, runs, session } = await start();
  const started = await post(url, '/api/start', { users: '7', spawnRate: '3', runTime: '', tags: 'a, b' });
  assert.equal(started.status, 200, started.body);
  assert.deepEqual(runs[0]?.params, {
    users: 7,
    spawnRate: 3,
    host: DEFAULT_PARAMS.host,
    runTime: null,
    tags: ['a', 'b'],
  });
  assert.equal((await post(url, '/api/start', {})).status, 409);
  assert.equal((await post(url, '/api/users', { users: 12 })).status, 200);
  assert.equal((await post(url, '/api/users', { users: -1 })).status, 400);
  assert.equal((await post(url, '/api/rate', { rate: 5 })).status, 409, 'a closed-model run has no rate');
  assert.equal((await post(url, '/api/reset')).status, 200);
  assert.equal((await post(url, '/api/stop')).status, 200);
  assert.deepEqual(
    runs[0]?.calls,
    ['setUsers 12 3', 'resetStats', 'stop'],
    "the run's spawn rate by default",
  );
  assert.equal((await post(url, '/api/stop')).status, 409);
  runs[0]?.end(smallSummary());
  await session.whenIdle();
  const bad = await post(url, '/api/start', { host: 'bad' });
  assert.equal(bad.status, 400);
  assert.match(bad.body, /invalid URL/);
  const badJson = await request(`${url}api/start`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{',
  });
  assert.equal(badJson.status, 400);
  assert.match(badJson.body, /invalid JSON/);
});

test('state-changing requests from other sites are refused', async () => {
  const { url, runs } = await start();
  const evil = await post(url, '/api/start', {}, { origin: 'http://evil.example' });
  assert.equal(evil.status, 403);
  assert.match(evil.body, /Origin differs/);
  const crossSite = await post(url, '/api/start', {}, { 'sec-fetch-site': 'cross-site' });
  assert.equal(crossSite.status, 403);
  // A cross-site <form> can only send form encodings.
  const form = await request(`${url}api/start`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'users=5',
  });
  assert.equal(form.status, 403);
  assert.equal(runs.length, 0);
});

test('without a token, only loopback Host names are served (no DNS rebinding)', async () => {
  const { url, server } = await start();
  const rebound = await request(`${url}api/state`, { headers: { host: `attacker.example:${server.port}` } });
  assert.equal(rebound.status, 403);
  const localhost = await request(`${url}api/state`, { headers: { host: `localhost:${server.port}` } });
  assert.equal(localhost.status, 200);
});

test('with a token: 401 without it; Bearer, Basic, ?token= (which sets a cookie) and the cookie work', async () => {
  const token = 'user:s3cret';
  const { url, server } = await start({ token });
  const denied = await request(`${url}api/state`);
  assert.equal(denied.status, 401);
  assert.match(String(denied.headers['www-authenticate']), /Basic/);
  assert.equal((await request(`${url}api/state?token=wrong`)).status, 401);
  assert.equal(
    (await request(`${url}api/state`, { headers: { authorization: `Bearer ${token}` } })).status,
    200,
  );
  const basic = Buffer.from(token).toString('base64');
  assert.equal(
    (await request(`${url}api/state`, { headers: { authorization: `Basic ${basic}` } })).status,
    200,
  );
  const first = await request(`${url}?token=${encodeURIComponent(token)}`);
  assert.equal(first.status, 303);
  assert.equal(first.headers.location, '/');
  const cookie = String(first.headers['set-cookie']).split(';')[0] ?? '';
  assert.match(String(first.headers['set-cookie']), /HttpOnly; SameSite=Strict/);
  assert.equal(cookie, `volley_token_${server.port}=${encodeURIComponent(token)}`);
  assert.equal((await request(url, { headers: { cookie } })).status, 200);
  // With a token any Host name is fine (binds beyond loopback are reached by many names).
  assert.equal(
    (await request(`${url}api/state`, { headers: { cookie, host: `box.lan:${server.port}` } })).status,
    200,
  );
});

test('binding beyond loopback without a token is refused', async () => {
  const { launcher } = fakeLauncher();
  const session = new RunSession({ launcher, defaults: DEFAULT_PARAMS });
  await assert.rejects(startWebServer({ session, host: '0.0.0.0', port: 0 }), WebAuthRequiredError);
});

test('downloads: Locust CSVs, the checks CSV and the JSON of the numbers so far, then of the final summary', async () => {
  const { url, runs, session } = await start({ htmlReport: true });
  await post(url, '/api/start', {});
  const check = { name: 'status is 201', method: 'POST', endpoint: '/login', passes: 3, fails: 1 };
  runs[0]?.snapshot({ ...smallSnapshot(), checks: [check] });
  const stats = await request(`${url}download/stats.csv`);
  assert.equal(stats.status, 200);
  assert.match(String(stats.headers['content-disposition']), /attachment; filename="volley_stats.csv"/);
  assert.match(stats.body, /^Type,Name,Request Count,Failure Count,Median Response Time/);
  const history = await request(`${url}download/stats_history.csv`);
  assert.match(history.body, /^Timestamp,User Count,Type,Name/);
  assert.equal(history.body.split('\r\n').length, 3);
  assert.match((await request(`${url}download/failures.csv`)).body, /^Method,Name,Error,Occurrences/);
  assert.match((await request(`${url}download/exceptions.csv`)).body, /^Count,Message,Traceback,Nodes/);
  const checks = await request(`${url}download/checks.csv`);
  assert.match(String(checks.headers['content-disposition']), /filename="volley_checks.csv"/);
  assert.equal(
    checks.body,
    'Check,Method,Endpoint,Passes,Fails,Pass Ratio\r\nstatus is 201,POST,/login,3,1,0.75\r\n',
  );
  const live = JSON.parse((await request(`${url}download/summary.json`)).body);
  assert.equal(live.meta.stopReason, 'running');
  assert.equal(live.passed, false, 'no verdict while the run goes on');
  runs[0]?.end(smallSummary());
  await session.whenIdle();
  const final = JSON.parse((await request(`${url}download/summary.json`)).body);
  assert.deepEqual(final, smallSummary());
  const report = await request(`${url}download/report.html`);
  assert.equal(report.body, `<html>${smallSummary().aggregated.requests} requests, 1 snapshots</html>`);
  // A new run gets a fresh report.
  await post(url, '/api/start', {});
  runs[1]?.end(smallSummary());
  await session.whenIdle();
  assert.match((await request(`${url}download/report.html`)).body, /, 0 snapshots/);
});

test('the HTML report answers 501 when no renderer is plugged in', async () => {
  const { url } = await start();
  const r = await request(`${url}download/report.html`);
  assert.equal(r.status, 501);
  assert.match(r.body, /HTML report is not available/);
});

test('the event stream sends the state and live numbers, coalesced', async () => {
  const { url, runs } = await start();
  const controller = new AbortController();
  const res = await fetch(`${url}api/events`, { signal: controller.signal });
  assert.equal(res.headers.get('content-type'), 'text/event-stream; charset=utf-8');
  const reader = res.body?.getReader();
  assert.ok(reader);
  let text = '';
  const readUntil = async (pattern: RegExp) => {
    while (!pattern.test(text)) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`stream ended before ${pattern}: ${text}`);
      text += new TextDecoder().decode(value);
    }
  };
  await readUntil(/event: state\ndata: \{"state":"ready"/);
  await post(url, '/api/start', {});
  await readUntil(/"state":"running"/);
  // Ten snapshots in a burst reach the page as at most a couple of events, the last one winning.
  for (let i = 0; i < 10; i++) runs[0]?.snapshot(smallSnapshot(1_000_000 + i * 1000, i));
  await readUntil(/"users":9,/);
  const statsEvents = text.split('event: stats').length - 1;
  assert.ok(statsEvents <= 3, `${statsEvents} stats events`);
  controller.abort();
});
