import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCli } from '../helpers/cli.ts';
import { closedPort, listenOnLoopback, startServer, type TestServer } from '../helpers/servers.ts';
import { selfSignedCertificate } from '../helpers/tls.ts';
import { recordServerUnderLoad } from '../helpers/trace-record.ts';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

/** Answers with what it was asked (method, URL, body); /redirect/X redirects to /target/X. */
function startUpstream(): Promise<TestServer> {
  let served = 0;
  return startServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      // A connection closed with no answer: undici fails with its SocketError.
      if (req.url === '/hangup') return req.socket.destroy();
      res.setHeader('x-upstream', String(++served));
      const redirect = /^\/redirect\/(\d+)$/.exec(req.url ?? '');
      if (redirect) res.writeHead(302, { location: `/target/${redirect[1]}` }).end();
      else res.end(JSON.stringify({ method: req.method, url: req.url, body }));
    });
  });
}

describe('volley trace: outbound HTTP through fetch, undici and node:http', () => {
  let dir: string;
  let recording: string;
  let env: NodeJS.ProcessEnv;
  const replay = (mutant = '') =>
    runCli(['trace', 'replay', recording, '--', 'node', 'outbound-client.mjs'], {
      cwd: FIXTURES,
      env: { ...env, MUTANT: mutant },
      timeoutMs: 60_000,
    });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'volley-trace-outbound-'));
    recording = join(dir, 'client.vtrace');
    const upstream = await startUpstream();
    env = { UPSTREAM_URL: upstream.url, CLOSED_URL: `http://127.0.0.1:${await closedPort()}` };
    const certificate = selfSignedCertificate();
    const secure =
      certificate === null
        ? null
        : await listenOnLoopback(
            createServer(certificate, (req, res) => res.end(`secure ${req.url}`)),
            'https',
          );
    if (secure !== null) env.TLS_URL = secure.url;
    const recorded = await runCli(
      ['trace', 'record', '--out', recording, '--', 'node', 'outbound-client.mjs'],
      {
        cwd: FIXTURES,
        env,
        timeoutMs: 60_000,
      },
    );
    await upstream.close();
    await secure?.close();
    assert.equal(recorded.code, 0, recorded.stderr);
    if (secure !== null) assert.match(recorded.stdout, /https\.get 200 secure \/secure\?q=1/);
    assert.match(
      recorded.stdout,
      /fetch 200 OK basic http:\/\/127\.0\.0\.1:\d+\/fetch\?page=1 false 1 .*\/fetch\?page=1/,
    );
    assert.match(recorded.stdout, /undici\.request 200 .*put-body/);
    assert.match(recorded.stdout, /undici Pool 200 .*\/pool\/a.* \| 200 .*\/pool\/b.* \| 200 .*\/pool\/c/);
    assert.match(recorded.stdout, /http\.request 200 \d+ .*\/http/);
    assert.match(recorded.stdout, /refused ECONNREFUSED TypeError ECONNREFUSED SocketError UND_ERR_SOCKET/);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('replays every call from the recording with the upstream gone, output identical', async () => {
    const result = await replay();
    assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
    assert.match(result.stdout, /0 divergences · 0 response diffs · 0 unused · 0 escaped/);
  });

  it('fails a replay whose fetch URL changed, showing both URLs', async () => {
    const result = await replay('url');
    assert.equal(result.code, 1, result.stdout);
    assert.match(result.stdout, /call differs from the recording: fetch at outbound-client\.mjs:\d+/);
    assert.match(result.stdout, /recorded: GET http:\/\/127\.0\.0\.1:\d+\/fetch\?page=1/);
    assert.match(result.stdout, /replayed: GET http:\/\/127\.0\.0\.1:\d+\/fetch\?page=2/);
  });

  it('fails a replay whose request body changed, showing both bodies', async () => {
    const result = await replay('body');
    assert.equal(result.code, 1, result.stdout);
    assert.match(result.stdout, /call differs from the recording: http\.request at outbound-client\.mjs:\d+/);
    assert.match(result.stdout, /body: \{"text":"\{\\"n\\":1\}"\} → \{"text":"\{\\"n\\":3\}"\}/);
  });

  it('fails a replay that makes a call the recording does not have', async () => {
    const result = await replay('extra');
    assert.equal(result.code, 1, result.stdout);
    assert.match(result.stdout, /call not in the recording: http\.request at outbound-client\.mjs:\d+/);
    assert.match(result.stdout, /replayed: POST http:\/\/127\.0\.0\.1:\d+\/http-extra/);
  });

  it('fails a replay that leaves a recorded call unmade', async () => {
    const result = await replay('drop');
    assert.equal(result.code, 1, result.stdout);
    assert.match(result.stdout, /recorded call never made: http\.request/);
    assert.match(result.stdout, /recorded: POST http:\/\/127\.0\.0\.1:\d+\/http\b/);
  });
});

describe('volley trace: outbound HTTP from a service under 20 concurrent requests', () => {
  let dir: string;
  let recording: string;
  let bodies: Record<number, unknown>;
  let upstreamUrl: string;
  const REQUESTS = 20;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'volley-trace-outbound-server-'));
    recording = join(dir, 'service.vtrace');
    const upstream = await startUpstream();
    upstreamUrl = upstream.url;
    try {
      bodies = await recordServerUnderLoad({
        recording,
        script: 'outbound-server.mjs',
        cwd: FIXTURES,
        env: { UPSTREAM_URL: upstream.url },
        requests: REQUESTS,
        path: (i) => `/?id=${i}`,
      });
    } finally {
      await upstream.close();
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("records every client's answers, a redirect followed by a composed undici dispatcher included", () => {
    assert.deepEqual(bodies[7], {
      id: 7,
      first: '/first/7',
      second: '/second/7',
      viaPool: '/pool/7',
      viaUndiciFetch: { method: 'POST', url: '/undici-fetch/7', body: 'body-7' },
      viaRedirect: '/target/7',
      viaFetch: '/fetch/7',
    });
  });

  it('replays every request identically with the upstream gone, calls made from callbacks included', async () => {
    const result = await runCli(
      ['trace', 'replay', recording, '--concurrency', 'all', '--', 'node', 'outbound-server.mjs'],
      {
        cwd: FIXTURES,
        // The same address, where nothing answers any more.
        env: { UPSTREAM_URL: upstreamUrl },
        timeoutMs: 60_000,
      },
    );
    assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
    assert.match(
      result.stdout,
      /replay: 20\/20 identical · 0 divergences · 0 response diffs · 0 unused · 0 escaped/,
    );
  });
});
