/**
 * `--processes`: a signal to one worker process alone fails the run like any other loss, while the same
 * signal to the whole process group (a terminal's Ctrl-C) stops the run cleanly.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { RunSummary } from '../../src/metrics/summary.ts';
import { until } from '../helpers/until.ts';
import { clusterFixture, killAll, type Proc, startNode, startVolley } from './cluster-procs.ts';

/** The pids of a coordinator's worker processes (Linux), in the order they were forked. */
function children(pid: number): number[] {
  const text = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
  const pids = text === '' ? [] : text.split(' ').map(Number);
  return pids
    .filter((child) => {
      try {
        return readFileSync(`/proc/${child}/cmdline`, 'utf8').includes('worker-process');
      } catch {
        return false; // gone meanwhile
      }
    })
    .sort((a, b) => a - b);
}

async function startRun(procs: Proc[], detached: boolean) {
  const dir = clusterFixture();
  const target = startNode([join(dir, 'target.mjs'), '127.0.0.1'], { cwd: dir });
  procs.push(target);
  const port = (await target.waitFor(/port (\d+)/, "the target's port"))[1];
  const coordinator = startVolley(
    [
      'run',
      'scenario.ts',
      '-H',
      `http://127.0.0.1:${port}`,
      '-u',
      '4',
      '-t',
      '10s',
      '--processes',
      '2',
    ].concat(['--json-file', 'out.json', '--print-every', '1s']),
    { cwd: dir, detached },
  );
  procs.push(coordinator);
  await coordinator.waitFor(/ {3}requests /, 'the first progress line');
  const pid = coordinator.child.pid as number;
  await until(() => children(pid).length === 2, 'two worker processes');
  return { dir, coordinator, workers: children(pid) };
}

test('SIGTERM to one local worker fails the run: one line naming it, exit code 3', {
  timeout: 60_000,
}, async () => {
  const procs: Proc[] = [];
  try {
    const { dir, coordinator, workers } = await startRun(procs, false);
    process.kill(workers[1] as number, 'SIGTERM');
    assert.equal(await coordinator.exited, 3, coordinator.output());
    const lines = coordinator
      .output()
      .split('\n')
      .filter((l) => l.startsWith('error:'));
    assert.equal(lines.length, 1, coordinator.output());
    assert.match(
      lines[0] as string,
      new RegExp(`^error: worker 2 \\(pid ${workers[1]}\\) was stopped by SIGTERM before the end of the run`),
    );
    const report = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as RunSummary;
    assert.deepEqual(
      report.workers?.map((w) => w.state),
      ['done', 'lost'],
    );
  } finally {
    await killAll(procs);
  }
});

test('SIGINT to the whole process group (Ctrl-C in a terminal) stops the run cleanly: exit 0, no loss', {
  timeout: 60_000,
}, async () => {
  const procs: Proc[] = [];
  try {
    const { dir, coordinator } = await startRun(procs, true);
    process.kill(-(coordinator.child.pid as number), 'SIGINT');
    assert.equal(await coordinator.exited, 0, coordinator.output());
    const report = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as RunSummary;
    assert.equal(report.meta.stopReason, 'signal');
    assert.deepEqual(
      report.workers?.map((w) => w.state),
      ['done', 'done'],
    );
  } finally {
    await killAll(procs);
  }
});
