import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRegressionLimits, RegressionLimitError } from '../../src/metrics/regression-limits.ts';

test('limits read relative, absolute and percentage-point amounts', () => {
  const limits = parseRegressionLimits('p95=10%, p99.9=20ms,avg=1.5s,med=5%,fail_ratio=0.5pp,rps=15%,max=2s');
  assert.deepEqual(
    limits.map(({ label, unit, amount }) => [label, unit, amount]),
    [
      ['p95', 'relative', 0.1],
      ['p99.9', 'ms', 20],
      ['avg', 'ms', 1500],
      ['p50', 'relative', 0.05],
      ['fail_ratio', 'pp', 0.005],
      ['rps', 'relative', 0.15],
      ['max', 'ms', 2000],
    ],
  );
  assert.equal(limits[0]?.expression, 'p95=10%');
  assert.deepEqual(parseRegressionLimits(''), []);
});

test('a limit written wrong is refused with a message that shows the valid forms', () => {
  const refuses = (text: string, message: RegExp) =>
    assert.throws(
      () => parseRegressionLimits(text),
      (error: unknown) => error instanceof RegressionLimitError && message.test(error.message),
    );
  refuses('p95<10%', /expected METRIC=LIMIT, e.g. "p95=10%"/);
  refuses('p95=10', /expected METRIC=LIMIT/);
  refuses('latency=10%', /unknown metric "latency"/);
  refuses('p100=10%', /unknown metric "p100"/);
  refuses('rps=5ms', /rps takes %/);
  refuses('p95=1pp', /p95 takes % or ms\/s/);
  refuses('fail_ratio=3ms', /fail_ratio takes % or pp/);
});
