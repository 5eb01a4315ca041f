import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GeneratorCpuMonitor } from '../../src/metrics/generator-cpu.ts';
import { renderFinalReport } from '../../src/report/render/final-report.ts';
import { smallSummary } from '../report/fixtures.ts';

/** A monitor over a fake clock: each step advances wall time 1000 ms and CPU by `percent` of it. */
function fakeMonitor(onOverload?: (percent: number) => void) {
  let cpu = 0;
  let wall = 0;
  const monitor = new GeneratorCpuMonitor({
    cpuMicros: () => cpu,
    nowMs: () => wall,
    intervalMs: 60_000,
    windowSamples: 3,
    ...(onOverload ? { onOverload } : {}),
  });
  const step = (percent: number): void => {
    wall += 1000;
    cpu += percent * 10_000;
    monitor.sample();
  };
  return { monitor, step };
}

test('a lightly loaded generator is not overloaded', () => {
  const { monitor, step } = fakeMonitor();
  monitor.start();
  for (const percent of [30, 40, 50, 40]) step(percent);
  const result = monitor.stop();
  assert.deepEqual(result, { cpuPercentAvg: 40, cpuPercentPeak: 43.3, overloaded: false });
});

test('one busy second is not an overload; three are, and warn once', () => {
  const warnings: number[] = [];
  const { monitor, step } = fakeMonitor((percent) => warnings.push(percent));
  monitor.start();
  step(20);
  step(100);
  step(20);
  assert.equal(warnings.length, 0);
  for (const percent of [95, 98, 99, 97]) step(percent);
  assert.equal(warnings.length, 1);
  const result = monitor.stop();
  assert.equal(result.overloaded, true);
  assert.ok(result.cpuPercentPeak > 90);
  assert.equal(monitor.stop(), result);
});

test('a busy start or a run shorter than the window is not an overload (startup, not load)', () => {
  const warnings: number[] = [];
  const { monitor, step } = fakeMonitor((percent) => warnings.push(percent));
  monitor.start();
  step(130);
  step(95);
  assert.equal(warnings.length, 0);
  assert.deepEqual(monitor.stop(), { cpuPercentAvg: 112.5, cpuPercentPeak: 130, overloaded: false });
  let cpu = 0;
  let wall = 0;
  const short = new GeneratorCpuMonitor({ cpuMicros: () => cpu, nowMs: () => wall, intervalMs: 60_000 });
  short.start();
  wall = 400;
  cpu = 500_000;
  assert.equal(short.stop().overloaded, false);
});

test('a run shorter than one period still gets figures', () => {
  let cpu = 0;
  let wall = 0;
  const monitor = new GeneratorCpuMonitor({ cpuMicros: () => cpu, nowMs: () => wall, intervalMs: 60_000 });
  monitor.start();
  wall = 200;
  cpu = 100_000;
  assert.deepEqual(monitor.stop(), { cpuPercentAvg: 50, cpuPercentPeak: 50, overloaded: false });
});

test('the final report warns when the generator was overloaded', () => {
  const summary = smallSummary();
  summary.meta.generator = { cpuPercentAvg: 93.4, cpuPercentPeak: 99.1, overloaded: true };
  assert.match(renderFinalReport(summary), /Warning: the load generator peaked at 99% CPU \(average 93%\)/);
  summary.meta.generator = { cpuPercentAvg: 20, cpuPercentPeak: 30, overloaded: false };
  assert.doesNotMatch(renderFinalReport(summary), /load generator/);
});

test("measures the generator's own event-loop delay when asked: a 60 ms block shows as its max", async () => {
  const monitor = new GeneratorCpuMonitor({ loopDelay: true, intervalMs: 60_000 });
  monitor.start();
  // Two quiet timer periods, then the loop held up.
  await new Promise((resolve) => setTimeout(resolve, 30));
  const until = performance.now() + 60;
  while (performance.now() < until) {}
  await new Promise((resolve) => setTimeout(resolve, 30));
  const { loopDelayMs } = monitor.stop();
  assert.ok(loopDelayMs, 'loop delay measured');
  assert.ok(loopDelayMs.max >= 45, `max ${loopDelayMs.max} ms`);
  assert.ok(loopDelayMs.p50 <= loopDelayMs.p99 && loopDelayMs.p99 <= loopDelayMs.max);
  assert.equal(new GeneratorCpuMonitor().stop().loopDelayMs, undefined, 'not measured unless asked');
});

test('the final report gives the event-loop delay beside the latencies', () => {
  const summary = smallSummary();
  summary.meta.generator = {
    cpuPercentAvg: 20,
    cpuPercentPeak: 30,
    overloaded: false,
    loopDelayMs: { p50: 0.4, p99: 3.1, max: 12.5 },
  };
  assert.match(
    renderFinalReport(summary),
    /Load generator: event-loop delay p50 0.4 ms, p99 3.1 ms, max 12.5 ms/,
  );
});
