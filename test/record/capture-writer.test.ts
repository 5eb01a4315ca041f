import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import { CaptureWriter } from '../../src/record/capture-writer.ts';
import type { HarEntry } from '../../src/record/har.ts';
import { defaultRedactionRules, Redactor } from '../../src/record/redaction.ts';
import { harEntry } from '../helpers/har-entry.ts';
import { harSchemaErrors } from '../helpers/har-schema.ts';
import { tempDir } from '../report/temp-dir.ts';

function entry(i: number): HarEntry {
  return harEntry({
    startedDateTime: new Date(1_700_000_000_000 + i).toISOString(),
    method: 'GET',
    url: `http://127.0.0.1:5000/items/${i}`,
    waitMs: 1,
    text: true,
  });
}

const read = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as { log: { entries: HarEntry[] } };

test('entries are written as a valid HAR 1.2 within the flush interval, readable by the owner only', async () => {
  const dir = await tempDir();
  const file = join(dir, 'cap.har');
  const writer = new CaptureWriter({ file, flushMs: 20 });
  writer.add(entry(1));
  writer.add(entry(2));
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    try {
      if (read(file).log.entries.length === 2) break;
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.deepEqual(
    read(file).log.entries.map((e) => e.request.url),
    ['http://127.0.0.1:5000/items/1', 'http://127.0.0.1:5000/items/2'],
  );
  writer.add(entry(3));
  await writer.close();
  const har = read(file);
  assert.equal(har.log.entries.length, 3);
  assert.equal(await harSchemaErrors(har), null);
  assert.equal(statSync(file).mode & 0o777, 0o600);
});

test('a file that would pass --rotate-size is closed and the next one started; --max-entries stops recording', async () => {
  const dir = await tempDir();
  const file = join(dir, 'cap.har');
  const one = JSON.stringify(entry(1)).length;
  const logs: string[] = [];
  const writer = new CaptureWriter({ file, rotateBytes: one * 3, maxEntries: 7, log: (m) => logs.push(m) });
  for (let i = 0; i < 10; i++) writer.add(entry(i));
  assert.equal(writer.accepting, false);
  await writer.close();
  assert.equal(writer.total, 7);
  // Two entries and the bookkeeping fill three entries' worth: two a file.
  assert.deepEqual(writer.files, [
    file,
    join(dir, 'cap-2.har'),
    join(dir, 'cap-3.har'),
    join(dir, 'cap-4.har'),
  ]);
  assert.deepEqual(
    writer.files.map((f) => read(f).log.entries.length),
    [2, 2, 2, 1],
  );
  assert.deepEqual(
    writer.files.flatMap((f) => read(f).log.entries.map((e) => e.request.url.split('/').at(-1))),
    ['0', '1', '2', '3', '4', '5', '6'],
  );
  assert.deepEqual(logs, ['--max-entries 7 reached: no more entries are recorded']);
});

test('--rotate-time starts a new file when the current one is that old', async () => {
  const dir = await tempDir();
  let now = 0;
  const writer = new CaptureWriter({ file: join(dir, 'cap.har'), rotateMs: 1000, now: () => now });
  writer.add(entry(1));
  now = 999;
  writer.add(entry(2));
  now = 1000;
  writer.add(entry(3));
  await writer.close();
  assert.deepEqual(
    writer.files.map((f) => read(f).log.entries.length),
    [2, 1],
  );
});

test('a capture that saw no traffic still leaves a valid, empty HAR', async () => {
  const dir = await tempDir();
  const writer = new CaptureWriter({ file: join(dir, 'empty.har') });
  await writer.close();
  assert.deepEqual(read(join(dir, 'empty.har')).log.entries, []);
});

const LATE = 'late-9f8e7d6c5b4a3210';

/** An exchange that sends LATE where no rule can tell it is a secret: in a path, a query, a gzip body. */
function usesLateSecret(i: number): HarEntry {
  const e = entry(i);
  e.request.url = `http://127.0.0.1:5000/items/${LATE}?ref=${LATE}`;
  e.request.headers = [{ name: 'X-Ref', value: LATE }];
  e.response.headers = [{ name: 'Content-Encoding', value: 'gzip' }];
  e.response.content = {
    size: 40,
    mimeType: 'application/json',
    text: gzipSync(JSON.stringify({ see: LATE })).toString('base64'),
    encoding: 'base64',
  };
  return e;
}

/** A later exchange whose response reveals LATE under a secret name. */
function revealsLateSecret(i: number): HarEntry {
  const e = entry(i);
  e.response.content = { size: 30, mimeType: 'application/json', text: JSON.stringify({ token: LATE }) };
  return e;
}

/** The file's text, with every gzip body unzipped, once its entries number `count`. */
async function settled(file: string, count: number): Promise<string> {
  const deadline = Date.now() + 5000;
  for (;;) {
    try {
      const har = read(file);
      if (har.log.entries.length === count) {
        const bodies = har.log.entries
          .filter((e) => e.response.content.encoding === 'base64')
          .map((e) => gunzipSync(Buffer.from(e.response.content.text ?? '', 'base64')).toString());
        return readFileSync(file, 'utf8') + bodies.join('\n');
      }
    } catch {}
    if (Date.now() > deadline) throw new Error(`${file} never held ${count} entries`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

test('a secret revealed by a later exchange is scrubbed from the entries already written, at the next write', async () => {
  const dir = await tempDir();
  const file = join(dir, 'cap.har');
  const writer = new CaptureWriter({ file, flushMs: 20, redactor: new Redactor(defaultRedactionRules()) });
  writer.add(usesLateSecret(1));
  assert.ok((await settled(file, 1)).includes(LATE), 'not yet known as a secret when first written');
  writer.add(revealsLateSecret(2));
  const text = await settled(file, 2);
  assert.ok(!text.includes(LATE), text);
  const har = read(file);
  assert.equal(
    har.log.entries[0]?.request.url,
    'http://127.0.0.1:5000/items/__REDACTED_1__?ref=__REDACTED_1__',
  );
  assert.deepEqual(har.log.entries[0]?.request.queryString, [{ name: 'ref', value: '__REDACTED_1__' }]);
  await writer.close();
  assert.equal(await harSchemaErrors(read(file)), null);
});

test('a secret revealed after its file was rotated out is scrubbed from that file at a later write, before the capture ends', async () => {
  const dir = await tempDir();
  const file = join(dir, 'cap.har');
  const writer = new CaptureWriter({
    file,
    flushMs: 20,
    rotateBytes: JSON.stringify(usesLateSecret(1)).length + 10,
    redactor: new Redactor(defaultRedactionRules()),
  });
  writer.add(usesLateSecret(1));
  assert.ok((await settled(file, 1)).includes(LATE), 'not yet known as a secret when first written');
  writer.add(entry(2));
  await settled(join(dir, 'cap-2.har'), 1);
  writer.add(revealsLateSecret(3));
  await settled(join(dir, 'cap-3.har'), 1);
  // The capture goes on: the first file is rewritten by one of the next writes, not at the end.
  const deadline = Date.now() + 5000;
  while ((await settled(file, 1)).includes(LATE)) {
    assert.ok(Date.now() < deadline, 'the rotated-out file still holds the secret');
    writer.add(entry(4));
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.match(await settled(file, 1), /__REDACTED_1__/);
  assert.equal(await harSchemaErrors(read(file)), null);
  await writer.close();
});

test('a secret revealed after its file was rotated out is scrubbed from that file when the capture ends', async () => {
  const dir = await tempDir();
  const file = join(dir, 'cap.har');
  const writer = new CaptureWriter({
    file,
    rotateBytes: JSON.stringify(usesLateSecret(1)).length + 10,
    redactor: new Redactor(defaultRedactionRules()),
  });
  // Each in a batch of its own, as exchanges minutes apart would be.
  for (const e of [usesLateSecret(1), entry(2), revealsLateSecret(3)]) {
    writer.add(e);
    await new Promise((resolve) => setImmediate(resolve));
  }
  await writer.close();
  assert.deepEqual(writer.files, [file, join(dir, 'cap-2.har'), join(dir, 'cap-3.har')]);
  for (const [i, f] of writer.files.entries()) {
    const text = await settled(f, 1);
    assert.ok(!text.includes(LATE), `${f}: ${text}`);
    assert.equal(await harSchemaErrors(read(f)), null);
    if (i === 0) assert.match(text, /__REDACTED_1__/);
  }
});

test('entries with text of every width survive the buffer growing and a scrub rewriting some of them in the middle', async () => {
  const dir = await tempDir();
  const file = join(dir, 'cap.har');
  const writer = new CaptureWriter({ file, flushMs: 20, redactor: new Redactor(defaultRedactionRules()) });
  const texts = ['plain ascii', 'café crème', 'データ', '🚀 launch', 'mixed é ✓ 😀'];
  const expected: string[] = [];
  // Far more than the first buffer holds (64 KB), with the late secret in every seventh entry.
  for (let i = 0; i < 600; i++) {
    const e = i % 7 === 3 ? usesLateSecret(i) : entry(i);
    const text = `${texts[i % texts.length]} #${i} ${'·'.repeat(i % 50)}`;
    if (i % 7 !== 3) e.response.content = { size: text.length, mimeType: 'text/plain', text };
    expected.push(i % 7 === 3 ? '' : text);
    writer.add(e);
  }
  await settled(file, 600);
  writer.add(revealsLateSecret(600));
  const text = await settled(file, 601);
  assert.ok(!text.includes(LATE), 'the late secret is gone from every entry');
  await writer.close();
  const entries = read(file).log.entries;
  assert.equal(entries.length, 601);
  for (let i = 0; i < 600; i++) {
    if (i % 7 === 3) assert.match(entries[i]?.request.url ?? '', /__REDACTED_1__/);
    else assert.equal(entries[i]?.response.content.text, expected[i], `entry ${i}`);
  }
  assert.equal(await harSchemaErrors(read(file)), null);
});

test('an entry whose UTF-8 is three times its length in characters is written whole', async () => {
  const dir = await tempDir();
  const file = join(dir, 'cap.har');
  const writer = new CaptureWriter({ file, flushMs: 20 });
  // 30,000 characters, 90,000 bytes: more than the first buffer holds, though its length is not.
  const text = 'デ'.repeat(30_000);
  const e = entry(1);
  e.response.content = { size: text.length * 3, mimeType: 'text/plain', text };
  writer.add(e);
  writer.add(entry(2));
  await writer.close();
  const entries = read(file).log.entries;
  assert.equal(entries[0]?.response.content.text, text);
  assert.equal(entries[1]?.request.url, 'http://127.0.0.1:5000/items/2');
});
