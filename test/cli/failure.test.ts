import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { reportFailure } from '../../src/cli/failure.ts';
import { UsageError } from '../../src/cli/usage-error.ts';
import { ClusterError } from '../../src/cluster/cluster-error.ts';
import { DbSpecError, DemoOptionError } from '../../src/demo/errors.ts';
import { ShapeError } from '../../src/engine/load-shape.ts';
import { OptionError } from '../../src/engine/option-error.ts';
import { ScenarioLoadError } from '../../src/engine/scenario-loader.ts';
import { VolleyError } from '../../src/errors.ts';
import { ThresholdSyntaxError } from '../../src/metrics/thresholds.ts';
import { RecordingError } from '../../src/record/recording-error.ts';
import { ReportWriteError } from '../../src/report/report-error.ts';
import { PrometheusListenError } from '../../src/report/reporters/prometheus-listen-error.ts';
import { FeederError } from '../../src/script/feeder.ts';
import { ScenarioDefinitionError } from '../../src/script/user.ts';
import { BadRequestError } from '../../src/web/request-params.ts';
import { SessionStateError } from '../../src/web/run-session.ts';
import { WebAuthRequiredError } from '../../src/web/web-server.ts';

function failWith(error: unknown, verbose = false): { code: number; stderr: string } {
  const stderr = new PassThrough();
  let text = '';
  stderr.on('data', (chunk) => {
    text += chunk;
  });
  const code = reportFailure(error, stderr, verbose);
  return { code, stderr: text };
}

const enoent = Object.assign(new Error("ENOENT: no such file or directory, open '/nope/.r.json.tmp'"), {
  code: 'ENOENT',
});

for (const [what, error, line] of [
  [
    'a ShapeError',
    new ShapeError('shape: expected { users, spawnRate? }, { rate } or null, got 5'),
    'volley: shape: expected { users, spawnRate? }, { rate } or null, got 5',
  ],
  [
    'a FeederError',
    new FeederError('feeder: cannot read users.csv: ENOENT'),
    'volley: feeder: cannot read users.csv: ENOENT',
  ],
  [
    'a ReportWriteError',
    new ReportWriteError('/nope/r.json', enoent),
    'volley: cannot write report /nope/r.json: no such file or directory (ENOENT)',
  ],
] as const) {
  test(`${what} is the user's to fix: one line without a stack, exit code 2`, () => {
    const { code, stderr } = failWith(error);
    assert.equal(code, 2);
    assert.equal(stderr, `${line}\n`);
  });
}

test('an error that is not a VolleyError is an internal error: exit 3 and a hint at --verbose', () => {
  const { code, stderr } = failWith(new TypeError('x is undefined'));
  assert.equal(code, 3);
  assert.equal(
    stderr,
    'volley: internal error: x is undefined\nvolley: run again with --verbose for the stack trace\n',
  );
});

test('with --verbose a user error is followed by its stack', () => {
  const { code, stderr } = failWith(new UsageError('unknown command "x"'), true);
  assert.equal(code, 2);
  assert.match(stderr, /^volley: unknown command "x"\n.*UsageError/s);
  assert.match(stderr, /\n\s+at /);
});

test('every user-facing error is a VolleyError with its own stable code and exit code 2', () => {
  const errors: VolleyError[] = [
    new UsageError('u'),
    new OptionError('o'),
    new ScenarioLoadError('s'),
    new ScenarioDefinitionError('d'),
    new ThresholdSyntaxError('p99<', 'no number'),
    new DemoOptionError('demo'),
    new DbSpecError('mysql:'),
    new PrometheusListenError('127.0.0.1', 9464, enoent),
    new RecordingError('r'),
    new ClusterError('c'),
    new ShapeError('shape'),
    new FeederError('feeder'),
    new ReportWriteError('/x', enoent),
    new WebAuthRequiredError('w'),
    new BadRequestError('b'),
    new SessionStateError('st'),
  ];
  for (const error of errors) {
    assert.ok(error instanceof VolleyError, error.name);
    assert.equal(error.exitCode, 2, error.name);
    assert.match(error.code, /^VOLLEY_[A-Z_]+$/, error.name);
  }
  const codes = errors.map((e) => e.code);
  assert.equal(new Set(codes).size, codes.length, `codes repeat: ${codes.join(' ')}`);
});
