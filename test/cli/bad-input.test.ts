import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { startServer, type TestServer } from '../helpers/servers.ts';

const dir = mkdtempSync(join(tmpdir(), 'volley-bad-'));
const ok = join(dir, 'ok.ts');
writeFileSync(
  ok,
  "import { user } from 'volley';\nexport default user({ tasks: [async (vu) => { await vu.http.get('/'); }] });\n",
);
let server: TestServer;
before(async () => {
  server = await startServer((_req, res) => res.end('ok'));
});
after(() => server.close());

/** One line on stderr, no stack trace, exit 2. */
async function expectUsage(args: string[], message: RegExp): Promise<void> {
  const r = await runCli(args, { cwd: dir });
  assert.equal(r.code, 2, `exit code for ${args.join(' ')}: ${r.stderr}`);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line expected, got:\n${r.stderr}`);
  assert.match(lines[0] ?? '', message);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
}

test('missing scenario file', () =>
  expectUsage(['run', 'nope.ts', '-H', server.url], /^volley: scenario not found: nope\.ts$/));

test('syntax error names file:line:column', async () => {
  writeFileSync(
    join(dir, 'broken.ts'),
    "import { user } from 'volley';\nconst x = ;\nexport default user({ tasks: [() => {}] });\n",
  );
  await expectUsage(['run', 'broken.ts', '-H', server.url], /^volley: .*broken\.ts:2:11: Unexpected ";"$/);
});

test('syntax error in plain JavaScript names file:line', async () => {
  writeFileSync(
    join(dir, 'broken.js'),
    "import { user } from 'volley';\n\nexport default user({ tasks: [ }) ;\n",
  );
  await expectUsage(['run', 'broken.js', '-H', server.url], /^volley: .*broken\.js:3(:\d+)?: SyntaxError: /);
});

test('an import that cannot be found', async () => {
  writeFileSync(join(dir, 'import.ts'), "import { x } from 'left-pad-nowhere';\nexport default x;\n");
  await expectUsage(
    ['run', 'import.ts', '-H', server.url],
    /^volley: .*import\.ts: Cannot find package 'left-pad-nowhere'/,
  );
});

test('a scenario that throws while loading names the line', async () => {
  writeFileSync(join(dir, 'throws.ts'), "\n\nthrow new Error('boom at load');\n");
  await expectUsage(
    ['run', 'throws.ts', '-H', server.url],
    /^volley: .*throws\.ts:3:\d+: Error: boom at load$/,
  );
});

test('no exported user', async () => {
  writeFileSync(join(dir, 'empty.ts'), 'export const x = 1;\n');
  await expectUsage(
    ['run', 'empty.ts', '-H', server.url],
    /^volley: .*empty\.ts: no user exported; add e\.g\. `export default user/,
  );
});

test('an unknown flag close to a known one is named', () =>
  expectUsage(
    ['run', ok, '--user', '2'],
    /^volley: unknown option --user \(did you mean --users\?\); see volley run --help$/,
  ));

test('a misspelt flag is named after its nearest known one', () =>
  expectUsage(
    ['run', ok, '--spwan-rate', '2'],
    /^volley: unknown option --spwan-rate \(did you mean --spawn-rate\?\); see volley run --help$/,
  ));

test('an unknown flag like no known one gets no guess', () =>
  expectUsage(
    ['run', ok, '--frobnicate', '3'],
    /^volley: unknown option --frobnicate; see volley run --help$/,
  ));

test('zero users is a usage error: the run would send nothing', () =>
  expectUsage(
    ['run', ok, '-H', server.url, '-u', '0', '-t', '1s'],
    /^volley: --users: 0 users would send no request; give 1 or more, e\.g\. -u 10$/,
  ));

test('a zero arrival rate is a usage error', () =>
  expectUsage(
    ['run', ok, '-H', server.url, '--arrival-rate', '0/s', '-t', '1s'],
    /^volley: --arrival-rate: 0 arrivals would send no request; give a rate above 0, e\.g\. 10\/s$/,
  ));

test('stages that all target zero are a usage error', () =>
  expectUsage(
    ['run', ok, '-H', server.url, '--stages', '1s:0,1s:0'],
    /^volley: --stages: every stage targets 0, so the run would send no request$/,
  ));

test('zero users is a usage error for verify too', () =>
  expectUsage(
    ['verify', ok, '-H', server.url, '-u', '0'],
    /^volley: --users: 0 users would send no request/,
  ));

test('a run that sent no request exits 1 and says so', async () => {
  writeFileSync(
    join(dir, 'idle.ts'),
    "import { user } from 'volley';\nexport default user({ tasks: [async () => {}] });\n",
  );
  const r = await runCli(['run', 'idle.ts', '-H', server.url, '-i', '1', '--only-summary'], { cwd: dir });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /^volley: the run sent no request, so it measured nothing: exit code 1$/m);
});

test('unknown command', () =>
  expectUsage(['launch'], /^volley: unknown command "launch"; try volley --help$/));

test('bad duration', () =>
  expectUsage(
    ['run', ok, '-H', server.url, '-t', '10 minutes'],
    /^volley: --run-time: invalid duration "10 minutes"; use e\.g\. 30s/,
  ));

test('bad number', () =>
  expectUsage(
    ['run', ok, '-H', server.url, '-u', 'ten'],
    /^volley: --users: expected a whole number, got "ten"$/,
  ));

test('bad threshold', () =>
  expectUsage(
    ['run', ok, '-H', server.url, '-t', '1s', '--threshold', 'p95<<500'],
    /^volley: invalid threshold "p95<<500"/,
  ));

test('bad URL', () =>
  expectUsage(['run', ok, '-H', 'localhost:5000', '-t', '1s'], /^volley: --host: (invalid URL|only http)/));

test('missing host', () => expectUsage(['run', ok, '-t', '1s'], /^volley: no host: pass -H\/--host/));

test('--verbose shows the stack', async () => {
  const r = await runCli(['run', 'broken.ts', '-H', server.url, '--verbose'], { cwd: dir });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /\n\s+at /);
});

test('--help and --version exit 0', async () => {
  const help = await runCli(['run', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /-u, --users N/);
  assert.match(help.stdout, /VOLLEY_RUN_TIME/);
  const version = await runCli(['--version']);
  assert.equal(version.code, 0);
  assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
});

test('bad Prometheus port', () =>
  expectUsage(
    ['run', ok, '-H', server.url, '-t', '1s', '--prometheus-port', '70000'],
    /^volley: --prometheus-port: expected a port 0\.\.65535, got 70000$/,
  ));

test('a negative number after a flag is explained, not called ambiguous', () =>
  expectUsage(
    ['run', 'nope.ts', '-H', 'http://127.0.0.1:9', '--arrival-rate', '-5'],
    /^volley: --arrival-rate -5: a negative value is not allowed here; did you mean --arrival-rate 5\?$/,
  ));

test('a negative duration after a short flag gets a hint that works', async () => {
  await expectUsage(
    ['run', ok, '-H', server.url, '-t', '-5s'],
    /^volley: -t -5s: a negative value is not allowed here; did you mean -t 5s\?$/,
  );
});

test('an option where a value was expected names the long form that passes it', () =>
  expectUsage(
    ['run', ok, '-H', '-u', '2'],
    /^volley: -H needs a value, got the option -u next; to pass a value starting with "-", write --host=-u$/,
  ));
