/**
 * Named checks through the real CLI: counted in the JSON, the console, JUnit and the CSV, a `checks`
 * threshold deciding the exit code, and the same counts when the users run in two worker processes.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, test } from 'node:test';
import type { RunSummary } from '../../src/metrics/summary.ts';
import { runCli } from '../helpers/cli.ts';
import { startServer, type TestServer } from '../helpers/servers.ts';
import { parseXml } from '../helpers/xml.ts';

/** POST /users answers 201 with an id, except every 4th (by arrival, over all processes): id null. */
let created = 0;
let server: TestServer;
before(async () => {
  server = await startServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.method === 'POST' && req.url === '/users') {
      created++;
      res.statusCode = 201;
      res.end(JSON.stringify({ id: created % 4 === 0 ? null : created }));
    } else {
      res.end('{}');
    }
  });
});
after(() => server.close());
beforeEach(() => {
  created = 0;
});

const SCENARIO = `
import { user } from 'volley';
export default user({
  tasks: [
    async (vu) => {
      await vu.http.post('/users', {
        json: { name: 'Ada' },
        expect: 201,
        check: {
          'status is 201': (r) => r.status === 201,
          'has an id': (r) => typeof r.json<{ id: unknown }>().id === 'number',
        },
      });
      // A plain function check: it may fail the request, but it has no name to be counted under.
      await vu.http.get('/health', { check: (r) => r.status === 200 });
    },
  ],
});
`;

const dir = mkdtempSync(join(tmpdir(), 'volley-named-checks-'));
writeFileSync(join(dir, 'scenario.ts'), SCENARIO);

/** 4 users × 5 iterations: 20 POST /users, 5 of them without an id. */
function run(name: string, extra: string[]) {
  return runCli(
    [
      'run',
      'scenario.ts',
      '-H',
      server.url,
      '-u',
      '4',
      '-i',
      '5',
      '--json-file',
      `${name}.json`,
      '--junit',
      `${name}.xml`,
      '--only-summary',
      ...extra,
    ],
    { cwd: dir },
  );
}

const read = (name: string) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as RunSummary;

const EXPECTED_CHECKS = [
  { name: 'has an id', method: 'POST', endpoint: '/users', passes: 15, fails: 5 },
  { name: 'status is 201', method: 'POST', endpoint: '/users', passes: 20, fails: 0 },
];

test('named checks are counted in the JSON, console, JUnit and CSV; a checks threshold decides the exit code', async () => {
  // fail_ratio is set so that the failed requests alone do not decide the exit code.
  const failing = await run('failing', [
    '--threshold',
    'fail_ratio<0.5',
    '--threshold',
    'checks>0.9',
    '--csv',
    'failing',
  ]);
  assert.equal(failing.code, 1, failing.stdout + failing.stderr);
  const summary = read('failing.json');
  assert.deepEqual(summary.checks, EXPECTED_CHECKS);
  assert.deepEqual(
    summary.thresholds.map((t) => [t.expression, t.actual, t.passed]),
    [
      ['fail_ratio<0.5', 5 / 40, true],
      ['checks>0.9', 35 / 40, false],
    ],
  );
  assert.deepEqual(summary.failures, [
    { method: 'POST', name: '/users', error: 'check "has an id" failed', occurrences: 5 },
  ]);
  assert.match(failing.stdout, /^Checks \(1 of 2 failed\)$/m);
  assert.match(failing.stdout, /^✗ POST \/users +has an id +75\.00 % +✓ 15 +✗ 5$/m);
  assert.match(failing.stdout, /^✓ POST \/users +status is 201 +100\.00 % +✓ 20 +✗ 0$/m);
  assert.equal(
    readFileSync(join(dir, 'failing_checks.csv'), 'utf8'),
    'Check,Method,Endpoint,Passes,Fails,Pass Ratio\r\n' +
      'has an id,POST,/users,15,5,0.75\r\n' +
      'status is 201,POST,/users,20,0,1\r\n',
  );
  const junit = parseXml(readFileSync(join(dir, 'failing.xml'), 'utf8'));
  const suite = junit.children.find((s) => s.attributes.name === 'checks');
  assert.deepEqual(
    suite?.children.map((c) => [c.attributes.name, c.children[0]?.attributes.message]),
    [
      ['has an id', '5 of 20 failed (75.00 % passed)'],
      ['status is 201', undefined],
    ],
  );

  const passing = await run('passing', [
    '--threshold',
    'fail_ratio<0.5',
    '--threshold',
    'POST /users: checks>=0.875',
  ]);
  assert.equal(passing.code, 0, passing.stdout + passing.stderr);
  assert.deepEqual(read('passing.json').checks, EXPECTED_CHECKS);
});

test('--processes 2: the workers’ check counts are merged into the same totals', async () => {
  const r = await run('two', ['--processes', '2', '--seed', '3', '--threshold', 'checks>0.9']);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  const summary = read('two.json');
  assert.deepEqual(summary.checks, EXPECTED_CHECKS);
  assert.deepEqual(
    summary.endpoints.map((e) => [e.method, e.name, e.requests, e.failures]),
    [
      ['GET', '/health', 20, 0],
      ['POST', '/users', 20, 5],
    ],
  );
  assert.deepEqual(
    summary.thresholds.map((t) => [t.actual, t.passed]),
    [[35 / 40, false]],
  );
  assert.match(r.stdout, /^✗ POST \/users +has an id +75\.00 % +✓ 15 +✗ 5$/m);
});
