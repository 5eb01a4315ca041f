import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RunSession, SessionStateError } from '../../src/web/run-session.ts';
import { smallSnapshot, smallSummary } from '../report/fixtures.ts';
import { DEFAULT_PARAMS, fakeLauncher } from './fake-launcher.ts';

function session() {
  const { launcher, runs } = fakeLauncher();
  const events: string[] = [];
  const s = new RunSession({ launcher, defaults: DEFAULT_PARAMS });
  s.subscribe((event, data) => {
    if (event === 'state') events.push(`state:${(data as { state: string }).state}`);
    else events.push(event);
  });
  return { s, runs, events };
}

test('ready → running → stopping → stopped, then a new run with fresh numbers', async () => {
  const { s, runs, events } = session();
  assert.equal(s.state, 'ready');
  assert.throws(() => s.stop(), SessionStateError);
  s.start({ ...DEFAULT_PARAMS, users: 5 });
  assert.equal(s.state, 'running');
  assert.equal(s.view().targetUsers, 5);
  assert.throws(() => s.start(DEFAULT_PARAMS), /a run is running; stop it first/);
  const run = runs[0];
  assert.ok(run);
  run.snapshot(smallSnapshot(1_000_000, 5));
  assert.equal(s.liveStats()?.snapshot.users, 5);
  assert.deepEqual(s.liveStats()?.usersByClass, { Reader: 2, Writer: 1 });
  assert.equal(s.chartPoints().length, 1);
  assert.equal(s.historyCsv().split('\r\n').length, 3, 'header, one Aggregated row, trailing empty');

  s.setUsers(8, 2);
  assert.deepEqual(run.calls, ['setUsers 8 2']);
  assert.equal(s.view().targetUsers, 8);

  s.stop();
  assert.equal(s.state, 'stopping');
  assert.throws(() => s.setUsers(1), SessionStateError);
  assert.throws(() => s.start(DEFAULT_PARAMS), /a run is stopping/);
  const ended: (number | null)[] = [];
  s.onRunEnd((summary) => ended.push(summary?.exitCode ?? null));
  const summary = smallSummary();
  run.end(summary);
  await s.whenIdle();
  assert.equal(s.state, 'stopped');
  assert.equal(s.summary, summary);
  assert.equal(s.lastExitCode, summary.exitCode);
  assert.deepEqual(ended, [summary.exitCode]);
  const final = s.liveStats();
  assert.equal(final?.final, true, 'the page shows the final numbers once the run ended');
  assert.equal(final?.snapshot.users, 0);
  assert.deepEqual(final?.snapshot.aggregated, summary.aggregated);
  assert.deepEqual(s.view().ended, {
    stopReason: summary.meta.stopReason,
    exitCode: summary.exitCode,
    passed: summary.passed,
  });

  s.start(DEFAULT_PARAMS);
  assert.equal(s.view().runNumber, 2);
  assert.equal(s.summary, null);
  assert.equal(s.snapshot, null);
  assert.equal(s.chartPoints().length, 0);
  // A late snapshot of the first run does not leak into the second.
  run.hooks.onSnapshot(smallSnapshot());
  assert.equal(s.snapshot, null);
  assert.deepEqual(
    events.filter((e) => e.startsWith('state')),
    ['state:running', 'state:running', 'state:stopping', 'state:stopped', 'state:running'],
  );
});

test('reset zeroes the running run and what is kept of a stopped one', async () => {
  const { s, runs } = session();
  s.start(DEFAULT_PARAMS);
  const run = runs[0];
  assert.ok(run);
  run.snapshot(smallSnapshot());
  s.resetStats();
  assert.deepEqual(run.calls, ['resetStats']);
  assert.equal(s.snapshot, null);
  assert.equal(s.historyCsv().split('\r\n').length, 2);
  run.end(smallSummary());
  await s.whenIdle();
  s.resetStats();
  assert.equal(s.summary, null);
  assert.equal(s.lastExitCode, smallSummary().exitCode, 'the exit code survives a reset');
});

test('a start the launcher refuses leaves the state alone and shows why', () => {
  const { s } = session();
  assert.throws(() => s.start({ ...DEFAULT_PARAMS, host: 'bad' }), /invalid URL/);
  assert.equal(s.state, 'ready');
  assert.match(s.view().error ?? '', /invalid URL/);
});

test('a run that rejects ends as stopped with its error, exit code 3', async () => {
  const { s, runs } = session();
  s.start(DEFAULT_PARAMS);
  runs[0]?.fail(new Error('boom'));
  await s.whenIdle();
  assert.equal(s.state, 'stopped');
  assert.equal(s.lastExitCode, 3);
  assert.match(s.view().error ?? '', /the run failed: boom/);
  assert.ok(s.logLines().some((l) => l.level === 'error' && l.message.includes('boom')));
});

test('logs are kept in a bounded buffer, oldest dropped first', () => {
  const { launcher } = fakeLauncher();
  const s = new RunSession({ launcher, defaults: DEFAULT_PARAMS, logCapacity: 3 });
  for (let i = 1; i <= 5; i++) s.log('info', `line ${i}`);
  assert.deepEqual(
    s.logLines().map((l) => l.message),
    ['line 3', 'line 4', 'line 5'],
  );
});

test('chart points and history rows are bounded by historyLimit', () => {
  const { launcher, runs } = fakeLauncher();
  const s = new RunSession({ launcher, defaults: DEFAULT_PARAMS, historyLimit: 2 });
  s.start(DEFAULT_PARAMS);
  for (let i = 0; i < 5; i++) runs[0]?.snapshot(smallSnapshot(1_000_000 + i * 1000));
  assert.deepEqual(
    s.chartPoints().map((p) => p.t),
    [1003, 1004],
  );
  assert.equal(s.historyCsv().split('\r\n').length, 4);
});

test('an open-model run changes its arrival rate, not its users', () => {
  const { s, runs } = session();
  assert.throws(() => s.setArrivalRate(5), /no run is going on/);
  s.start({ ...DEFAULT_PARAMS, tags: ['open'] });
  assert.equal(s.view().loadModel, 'open');
  assert.equal(s.view().targetUsers, null);
  assert.equal(s.view().targetRate, 25, 'the Edit form starts from the rate the run started at');
  s.setArrivalRate(40);
  assert.equal(s.view().targetRate, 40);
  assert.throws(() => s.setUsers(3), /open model/);
  assert.deepEqual(runs[0]?.calls, ['setArrivalRate 40']);
});

test('a closed-model run refuses an arrival rate', () => {
  const { s } = session();
  s.start(DEFAULT_PARAMS);
  assert.equal(s.view().loadModel, 'closed');
  assert.throws(() => s.setArrivalRate(3), /closed model/);
});
