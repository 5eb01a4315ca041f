import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expandReportPath } from '../../src/report/path-template.ts';

test('replaces {u}, {r} and {t}, every occurrence', () => {
  assert.equal(
    expandReportPath('reports/run_{u}u_{r}r_{t}s_{u}.html', { users: 50, rate: 5, time: 60 }),
    'reports/run_50u_5r_60s_50.html',
  );
});

test('truncates to integers like Locust', () => {
  assert.equal(expandReportPath('{r}-{t}', { users: 1, rate: 0.5, time: 90.9 }), '0-90');
});

test('leaves a placeholder without a value, and other braces, as written', () => {
  assert.equal(
    expandReportPath('out_{u}_{t}_{x}.json', { users: 10, rate: null, time: null }),
    'out_10_{t}_{x}.json',
  );
  assert.equal(expandReportPath('plain.csv', { users: 1, rate: 1, time: 1 }), 'plain.csv');
});
