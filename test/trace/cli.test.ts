/**
 * `volley trace` on the command line: a client program recorded and replayed, inspect and export-har,
 * and bad input — each a one-line error with exit code 2.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCli } from '../helpers/cli.ts';
import { harSchemaErrors } from '../helpers/har-schema.ts';

const CLIENT = fileURLToPath(new URL('./fixtures/client-program.mjs', import.meta.url));
const SERVICE = fileURLToPath(new URL('./fixtures/token-service.mjs', import.meta.url));

describe('volley trace on the command line', { timeout: 120_000 }, () => {
  let dir: string;
  let clientRecording: string;
  let serviceRecording: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'volley-trace-cli-'));
    clientRecording = join(dir, 'client.vtrace');
    const recorded = await runCli(['trace', 'record', '--out', clientRecording, '--', 'node', CLIENT], {
      cwd: dir,
    });
    assert.equal(recorded.code, 0, recorded.stderr);
    assert.match(recorded.stdout, /total \d+/);
    serviceRecording = join(dir, 'service.vtrace');
    let port: (p: string) => void;
    const listening = new Promise<string>((resolve) => {
      port = resolve;
    });
    const service = await runCli(['trace', 'record', '--out', serviceRecording, '--', 'node', SERVICE], {
      cwd: dir,
      timeoutMs: 60_000,
      onOutput: (text) => {
        const m = /token-service on (\d+)/.exec(text);
        if (m) port(m[1] as string);
      },
      interruptWhen: listening.then(async (p) => {
        const login = await fetch(`http://127.0.0.1:${p}/login`, {
          method: 'POST',
          body: JSON.stringify({ user: 'ada', password: 'ada-pass-word' }),
        });
        await login.arrayBuffer();
        await (await fetch(`http://127.0.0.1:${p}/nowhere?page=2`)).arrayBuffer();
      }),
    });
    assert.equal(service.code, 0, service.stderr);
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('replays a client program: same output and exit code, from the recording', async () => {
    const replay = await runCli(['trace', 'replay', clientRecording, '--', 'node', CLIENT], { cwd: dir });
    assert.equal(replay.code, 0, replay.stdout + replay.stderr);
    assert.match(
      replay.stdout,
      /^replay: 0\/0 identical · 0 divergences · 0 response diffs · 0 unused · 0 escaped/,
    );
  });

  it('shows where a client program’s output differs', async () => {
    const changed = join(dir, 'changed-client.mjs');
    writeFileSync(changed, readFileSync(CLIENT, 'utf8').replace('console.log(`total', 'console.log(`sum'));
    const replay = await runCli(['trace', 'replay', clientRecording, '--', 'node', changed], { cwd: dir });
    assert.equal(replay.code, 1);
    assert.match(replay.stdout, /standard output differs from line 4: "total \d+" → "sum \d+"/);
  });

  it('inspect lists the requests, and one request with its calls', async () => {
    const all = await runCli(['trace', 'inspect', serviceRecording], { cwd: dir });
    assert.equal(all.code, 0, all.stderr);
    assert.match(all.stdout, /requests: 2 · calls: \d+/);
    assert.match(all.stdout, /r1 +POST +200 +\d+ +\/login/);
    assert.match(all.stdout, /r2 +GET +404 +0 +\/nowhere\?page=2/);
    const one = await runCli(['trace', 'inspect', serviceRecording, '--request', 'r1'], { cwd: dir });
    assert.equal(one.code, 0, one.stderr);
    assert.match(one.stdout, /^r1 POST \/login → 200/);
    assert.match(
      one.stdout,
      /sqlite\.run INSERT INTO sessions \(token, user\) VALUES \(\?, \?\) \["__REDACTED_\d+__","ada"\]/,
    );
    assert.doesNotMatch(one.stdout, /ada-pass-word/);
  });

  it('export-har writes a HAR 1.2 that the schema accepts and har2ts turns into a scenario', async () => {
    const har = join(dir, 'service.har');
    const exported = await runCli(['trace', 'export-har', serviceRecording, '--out', har], { cwd: dir });
    assert.equal(exported.code, 0, exported.stderr);
    const parsed = JSON.parse(readFileSync(har, 'utf8'));
    assert.equal(await harSchemaErrors(parsed), null);
    assert.equal(parsed.log.entries.length, 2);
    assert.equal(parsed.log.entries[0].request.method, 'POST');
    const scenario = await runCli(['har2ts', har], { cwd: dir });
    assert.equal(scenario.code, 0, scenario.stderr);
    assert.match(scenario.stdout, /vu\.http\.post\('\/login'/);
  });

  it('replays a recording whose last line was cut off by a crash, and inspect says so', async () => {
    const cut = join(dir, 'cut.vtrace');
    const text = readFileSync(clientRecording, 'utf8');
    const end = text.lastIndexOf('{"t":"end"');
    writeFileSync(cut, text.slice(0, end + 20));
    const inspect = await runCli(['trace', 'inspect', cut], { cwd: dir });
    assert.equal(inspect.code, 0, inspect.stderr);
    assert.match(
      inspect.stdout,
      /not finished \(the recorder was cut off\); its last line was cut off and skipped/,
    );
  });

  for (const [rule, args, message] of [
    ['no subcommand prints the usage', ['trace'], /^$/],
    [
      'an unknown subcommand',
      ['trace', 'recrod'],
      /unknown trace subcommand "recrod"; try volley trace --help/,
    ],
    ['record without --out', ['trace', 'record', '--', 'node', 'x.js'], /--out FILE is required/],
    ['record without a command', ['trace', 'record', '--out', 'x.vtrace'], /no command to record/],
    [
      'record with an unknown option',
      ['trace', 'record', '--outt', 'x', '--', 'node'],
      /unknown option --outt/,
    ],
    [
      'replay of a file that does not exist',
      ['trace', 'replay', 'missing.vtrace', '--', 'node', 'x.js'],
      /missing\.vtrace: no such recording/,
    ],
    [
      'replay with a bad --order',
      ['trace', 'replay', 'x.vtrace', '--order', 'random', '--', 'node'],
      /--order: expected recorded or shuffled, got "random"/,
    ],
    [
      'replay with a bad --concurrency',
      ['trace', 'replay', 'x.vtrace', '-c', '0', '--', 'node'],
      /--concurrency: expected a whole number ≥ 1, got "0"/,
    ],
    [
      'replay with a bad --noise',
      ['trace', 'replay', 'client.vtrace', '--noise', 'body:x', '--', 'node', CLIENT],
      /--noise "body:x": expected header:NAME or json:\$\.path/,
    ],
    [
      'a command that does not exist',
      ['trace', 'record', '--out', 'y.vtrace', '--', 'no-such-program-here'],
      /cannot start "no-such-program-here": command not found/,
    ],
    ['verify without --load', ['trace', 'verify', '--', 'node', 'x.js'], /--load SCENARIO is required/],
    [
      'inspect of a request that is not there',
      ['trace', 'inspect', 'client.vtrace', '--request', 'r9'],
      /--request r9: no such request/,
    ],
  ] as const) {
    it(`${rule}: one line, exit 2`, async () => {
      const result = await runCli(args, { cwd: dir });
      assert.equal(result.code, 2, result.stdout + result.stderr);
      if (args.length > 1) {
        assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
        assert.match(result.stderr, message);
      } else {
        assert.match(result.stdout, /Usage: volley trace SUBCOMMAND/);
      }
    });
  }

  it('refuses a file that is not a trace recording, and one of another format version', async () => {
    writeFileSync(join(dir, 'foreign.vtrace'), '{"log":{"entries":[]}}\n');
    const foreign = await runCli(['trace', 'replay', 'foreign.vtrace', '--', 'node', CLIENT], { cwd: dir });
    assert.equal(foreign.code, 2);
    assert.match(
      foreign.stderr,
      /foreign\.vtrace: not a volley trace recording \(record one with volley trace record --out FILE -- COMMAND\)/,
    );
    // Text that is not JSON at all, of one line or several: not a recording, not a damaged one.
    for (const text of ['root:x:0:0:root:/root:/bin/bash\nbin:x:1:1:bin:/bin:/usr/sbin/nologin\n', 'hello']) {
      writeFileSync(join(dir, 'text.vtrace'), text);
      const other = await runCli(['trace', 'inspect', 'text.vtrace'], { cwd: dir });
      assert.equal(other.code, 2);
      assert.match(other.stderr, /text\.vtrace: not a volley trace recording \(record one with/);
    }
    writeFileSync(join(dir, 'future.vtrace'), '{"t":"header","format":"volley.trace.v9"}\n');
    const future = await runCli(['trace', 'inspect', 'future.vtrace'], { cwd: dir });
    assert.equal(future.code, 2);
    assert.match(
      future.stderr,
      /recording format volley\.trace\.v9 is not volley\.trace\.v1; record it again with this volley/,
    );
  });
});
