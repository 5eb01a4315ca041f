import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { JunitReporter, renderJunitReport } from '../../../src/report/reporters/junit.ts';
import { parseXml, type XmlElement } from '../../helpers/xml.ts';
import { smallSummary } from '../fixtures.ts';
import { tempDir } from '../temp-dir.ts';

function suite(root: XmlElement, name: string): XmlElement {
  const found = root.children.find((c) => c.name === 'testsuite' && c.attributes.name === name);
  assert.ok(found, `no testsuite ${name}`);
  return found;
}

const cases = (s: XmlElement) => s.children.filter((c) => c.name === 'testcase');

test('junit: a test case per threshold and per endpoint, failures with their messages, counts that add up', () => {
  const summary = smallSummary();
  const root = parseXml(renderJunitReport(summary));
  assert.equal(root.name, 'testsuites');
  const thresholds = suite(root, 'thresholds');
  assert.deepEqual(
    cases(thresholds).map((c) => [c.attributes.name, c.children.map((x) => x.name).join()]),
    [
      ['GET /students: p95<500', ''],
      ['fail_ratio<0.001', 'failure'],
    ],
  );
  const failed = cases(thresholds)[1]?.children[0];
  assert.match(failed?.attributes.message ?? '', /^fail_ratio<0\.001: actual 0\.00769\d*, target < 0\.001$/);
  assert.equal(thresholds.attributes.tests, '2');
  assert.equal(thresholds.attributes.failures, '1');
  const requests = suite(root, 'requests');
  assert.deepEqual(
    cases(requests).map((c) => [c.attributes.name, c.children[0]?.attributes.message]),
    [
      ['POST /login', '1 of 10 requests failed'],
      ['GET /students', undefined],
    ],
  );
  assert.match(cases(requests)[0]?.children[0]?.text ?? '', /1× HTTP 500/);
  const failures = suite(root, 'failures');
  assert.deepEqual(
    cases(failures).map((c) => [c.attributes.classname, c.attributes.name]),
    [['volley.failures.POST /login', 'HTTP 500']],
  );
  assert.equal(root.attributes.tests, '5');
  assert.equal(root.attributes.failures, '3');
  assert.equal(root.attributes.errors, '0');
});

test('junit: a checks suite with a test case per named check, failed with its counts', () => {
  const summary = smallSummary();
  assert.equal(suite(parseXml(renderJunitReport(summary)), 'checks').attributes.tests, '0');
  summary.checks = [
    { name: 'has a token', method: 'POST', endpoint: '/login', passes: 9, fails: 1 },
    { name: 'status is 200', method: 'POST', endpoint: '/login', passes: 10, fails: 0 },
  ];
  const root = parseXml(renderJunitReport(summary));
  const checks = suite(root, 'checks');
  assert.equal(checks.attributes.tests, '2');
  assert.equal(checks.attributes.failures, '1');
  assert.deepEqual(
    cases(checks).map((c) => [
      c.attributes.classname,
      c.attributes.name,
      c.children[0]?.attributes.type,
      c.children[0]?.attributes.message,
      c.children[0]?.text,
    ]),
    [
      [
        'volley.checks.POST /login',
        'has a token',
        'check',
        '1 of 10 failed (90.00 % passed)',
        'POST /login: has a token\npasses: 9\nfails: 1',
      ],
      ['volley.checks.POST /login', 'status is 200', undefined, undefined, undefined],
    ],
  );
  assert.equal(root.attributes.tests, '7');
  assert.equal(root.attributes.failures, '4');
});

test('junit: every user string is escaped; control characters cannot break the XML', () => {
  const summary = smallSummary();
  const evil = 'a<b>&"c\' ]]> \u0001\u001b[31m';
  summary.failures.push({ method: 'GET', name: `/x?${evil}`, error: `check: ${evil}`, occurrences: 2 });
  summary.exceptions.push({ message: `Error: ${evil}`, count: 1, stack: `Error: ${evil}\n    at task` });
  summary.meta.command = `volley run ${evil}`;
  const root = parseXml(renderJunitReport(summary));
  const check = cases(suite(root, 'failures'))[1];
  assert.equal(check?.attributes.name, 'check: a<b>&"c\' ]]> \uFFFD\uFFFD[31m');
  const exception = cases(suite(root, 'exceptions'))[0];
  assert.equal(exception?.children[0]?.name, 'error');
  assert.equal(root.attributes.errors, '1');
});

test('junit reporter writes the file at the end of the run', async () => {
  const file = join(await tempDir(), 'out', 'junit.xml');
  await new JunitReporter({ file }).onEnd(smallSummary());
  parseXml(await readFile(file, 'utf8'));
});

test('junit: a capacity search that sustained no step is a failed case, not an empty green suite', () => {
  const summary = smallSummary();
  summary.thresholds = [];
  const step = { rate: 50, achievedRate: 49, launched: 49, dropped: 0, requests: 52, failRatio: 0 };
  const capacity = {
    sustainableRate: null,
    breakingRate: 50,
    thresholds: ['p95<2'],
    stepDurationSec: 1,
    steps: [{ ...step, p50Ms: 2.5, p95Ms: 5.7, p99Ms: 8.5, passed: false, broken: ['p95<2 (actual 5.7)'] }],
    sustainable: null,
  };
  const failed = suite(parseXml(renderJunitReport({ ...summary, capacity })), 'thresholds');
  assert.deepEqual(
    cases(failed).map((c) => [c.attributes.name, c.children[0]?.attributes.message]),
    [['capacity search: p95<2', 'no step was sustained (broke at 50/s)']],
  );
  assert.equal(failed.attributes.failures, '1');
  const found = { ...capacity, sustainableRate: 40, breakingRate: 50 };
  const passed = suite(parseXml(renderJunitReport({ ...summary, capacity: found })), 'thresholds');
  assert.deepEqual(
    cases(passed).map((c) => [c.attributes.name, c.children.length]),
    [['capacity search: p95<2', 0]],
  );
});
