import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { OptionError } from '../../src/engine/option-error.ts';
import { readTlsFiles } from '../../src/engine/resolve-plan.ts';

const dir = mkdtempSync(join(tmpdir(), 'volley-tls-files-'));
const CERT = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const KEY = '-----BEGIN PRIVATE KEY-----\nMIGH\n-----END PRIVATE KEY-----\n';
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('--ca, --cert, --key', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads each file given, and nothing when none is', () => {
    assert.deepEqual(readTlsFiles({}), {});
    const files = readTlsFiles({
      ca: file('ca.pem', CERT),
      cert: file('c.pem', CERT),
      key: file('k.pem', KEY),
    });
    assert.deepEqual(files, { ca: CERT, cert: CERT, key: KEY });
  });

  it('takes the key from the certificate file when it holds both', () => {
    const both = file('both.pem', CERT + KEY);
    assert.deepEqual(readTlsFiles({ cert: both }), { cert: CERT + KEY, key: CERT + KEY });
  });

  it('fails a certificate without its key, a key without a certificate, and an unreadable file, saying which flag', () => {
    assert.throws(() => readTlsFiles({ cert: file('only.pem', CERT) }), {
      name: OptionError.name,
      message: /^--cert: ".*only\.pem" holds no private key; give it with --key FILE$/,
    });
    assert.throws(() => readTlsFiles({ key: file('k2.pem', KEY) }), {
      message: '--key: give the certificate it belongs to with --cert',
    });
    assert.throws(() => readTlsFiles({ ca: join(dir, 'missing.pem') }), {
      message: /^--ca: cannot read ".*missing\.pem" \(ENOENT\)$/,
    });
  });
});
