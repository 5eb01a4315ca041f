import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type LocalServer, startHttpsServer, testClient } from './helpers.ts';

/** A self-signed certificate for 127.0.0.1, made with openssl; null when openssl is missing. */
function selfSignedCertificate(): { key: string; cert: string } | null {
  const dir = mkdtempSync(join(tmpdir(), 'volley-tls-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
    return {
      key: readFileSync(join(dir, 'key.pem'), 'utf8'),
      cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
    };
  } catch {
    return null;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const tls = selfSignedCertificate();
let server: LocalServer | undefined;

before(async () => {
  if (tls !== null) server = await startHttpsServer(tls, (_req, res) => res.end('secret'));
});

after(() => server?.close());

describe('HTTPS', {
  skip: tls === null ? 'openssl is not available to make a test certificate' : false,
}, () => {
  it('fails verification of a self-signed certificate, with a hint', async () => {
    const t = testClient(server?.url ?? '');
    try {
      const res = await t.client.get('/');
      assert.equal(res.status, 0);
      assert.match(
        res.error ?? '',
        /^TLS certificate error \(DEPTH_ZERO_SELF_SIGNED_CERT: .*\); use --insecure to skip verification$/,
      );
      assert.equal(t.sink.only().error, res.error);
    } finally {
      await t.transport.destroy();
    }
  });

  it('connects with insecure, and times the TLS handshake of a new connection only', async () => {
    const t = testClient(server?.url ?? '', {}, { insecure: true, connections: 1 });
    try {
      const first = await t.client.get('/');
      assert.equal(first.text(), 'secret');
      assert.ok(first.timings.connect > 0, `connect ${first.timings.connect}`);
      assert.ok(first.timings.tls > 0, `tls ${first.timings.tls}`);
      const second = await t.client.get('/');
      assert.equal(second.timings.connect, 0);
      assert.equal(second.timings.tls, 0);
    } finally {
      await t.transport.destroy();
    }
  });
});
