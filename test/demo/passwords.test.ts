import assert from 'node:assert/strict';
import { test } from 'node:test';
import { burnPasswordCheck, hashPassword, verifyPassword } from '../../src/demo/passwords.ts';

test('a password is hashed with scrypt at the given cost (default 2^14), salted, and verifies', async () => {
  const strong = await hashPassword('correct horse');
  assert.match(strong, /^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
  const cheap = await hashPassword('correct horse', 1024);
  assert.match(cheap, /^scrypt\$1024\$8\$1\$/);
  assert.notEqual(await hashPassword('correct horse', 1024), cheap, 'a fresh salt each time');
  for (const stored of [strong, cheap]) {
    assert.equal(await verifyPassword('correct horse', stored), true);
    assert.equal(await verifyPassword('wrong horse', stored), false);
  }
  assert.equal(await verifyPassword('correct horse', 'md5$abc'), false);
  await burnPasswordCheck('anything', 1024); // resolves, whatever the password
});
