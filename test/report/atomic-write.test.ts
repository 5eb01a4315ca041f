import assert from 'node:assert/strict';
import { chmod, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { writeFileAtomic } from '../../src/report/atomic-write.ts';
import { ReportWriteError } from '../../src/report/report-error.ts';
import { tempDir } from './temp-dir.ts';

test('writes the exact content and leaves no temporary file', async () => {
  const dir = await tempDir();
  const path = join(dir, 'report.json');
  await writeFileAtomic(path, '{"a":1}\n');
  assert.equal(await readFile(path, 'utf8'), '{"a":1}\n');
  assert.deepEqual(await readdir(dir), ['report.json']);
});

test('replaces an existing file and accepts bytes', async () => {
  const dir = await tempDir();
  const path = join(dir, 'out.bin');
  await writeFile(path, 'old content that is longer than the new one');
  await writeFileAtomic(path, new Uint8Array([104, 105]));
  assert.equal(await readFile(path, 'utf8'), 'hi');
  assert.deepEqual(await readdir(dir), ['out.bin']);
});

test('writes parts one after the other, as one file', async () => {
  const dir = await tempDir();
  const path = join(dir, 'parts.json');
  const large = Buffer.alloc(3 * 1024 * 1024, 0x61);
  await writeFileAtomic(path, [Buffer.from('['), new Uint8Array(0), large, Buffer.from(']')]);
  const written = await readFile(path);
  assert.equal(written.length, large.length + 2);
  assert.equal(written.subarray(0, 2).toString(), '[a');
  assert.equal(written.subarray(-2).toString(), 'a]');
  assert.deepEqual(await readdir(dir), ['parts.json']);
});

test('creates missing parent directories', async () => {
  const dir = await tempDir();
  const path = join(dir, 'a', 'b', 'c.csv');
  await writeFileAtomic(path, 'x');
  assert.equal(await readFile(path, 'utf8'), 'x');
});

test('a parent that is a file fails with a ReportWriteError naming the target, and writes nothing', async () => {
  const dir = await tempDir();
  await writeFile(join(dir, 'blocker'), 'I am a file');
  const path = join(dir, 'blocker', 'report.json');
  await assert.rejects(writeFileAtomic(path, 'data'), (error: unknown) => {
    assert.ok(error instanceof ReportWriteError);
    assert.equal(error.path, path);
    assert.match(error.message, /^cannot write report .*blocker\/report\.json: .+\((ENOTDIR|EEXIST)\)$/);
    assert.doesNotMatch(error.message, /\.tmp/);
    return true;
  });
  assert.deepEqual(await readdir(dir), ['blocker']);
  assert.equal(await readFile(join(dir, 'blocker'), 'utf8'), 'I am a file');
});

test('a target that is a directory fails and the temporary file is removed', async () => {
  const dir = await tempDir();
  const path = join(dir, 'taken');
  await mkdir(path);
  await writeFile(join(path, 'inside'), 'keep');
  await assert.rejects(writeFileAtomic(path, 'data'), ReportWriteError);
  assert.deepEqual(await readdir(dir), ['taken']);
  assert.deepEqual(await readdir(path), ['inside']);
});

test('concurrent writers never leave a mixed or partial file', async () => {
  const dir = await tempDir();
  const path = join(dir, 'race.txt');
  const contents = Array.from({ length: 8 }, (_, i) => String(i).repeat(200_000));
  await Promise.all(contents.map((content) => writeFileAtomic(path, content)));
  const final = await readFile(path, 'utf8');
  assert.ok(contents.includes(final), 'the file is exactly one of the writes');
  assert.deepEqual(await readdir(dir), ['race.txt']);
});

test('writes with the mode asked for, also over an existing world-readable file', async () => {
  const dir = await tempDir();
  const path = join(dir, 'secret.har');
  await writeFile(path, 'old');
  await chmod(path, 0o644);
  await writeFileAtomic(path, 'new', { mode: 0o600 });
  assert.equal((await stat(path)).mode & 0o777, 0o600);
  assert.equal(await readFile(path, 'utf8'), 'new');
});
