import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { RecordingWriter } from '../../src/trace/recording-writer.ts';
import type { CallLine, InboundLine } from '../../src/trace/trace-format.ts';
import { runInStream } from '../../src/trace/trace-scope.ts';
import { Tracer } from '../../src/trace/tracer.ts';

const dir = mkdtempSync(join(tmpdir(), 'volley-recording-writer-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

function call(s: string, n: number): CallLine {
  return { t: 'call', p: '1', s, n, k: 'sqlite.get', a: { sql: `SELECT ${n}` }, r: null };
}

function exchange(s: string): InboundLine {
  return {
    t: 'in',
    p: '1',
    s,
    at: 0,
    ms: 1,
    req: { method: 'GET', url: '/', headers: [], body: null },
    res: { status: 200, headers: [], body: null },
  };
}

function written(path: string): string[] {
  return readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const parsed = JSON.parse(line) as { t: string; s: string; n?: number };
      return parsed.t === 'call' ? `${parsed.s}#${parsed.n}` : `${parsed.s}:${parsed.t}`;
    });
}

test('a request’s calls are written after its exchange; calls outside any request at once', () => {
  const path = join(dir, `${++files}.vtrace`);
  const writer = new RecordingWriter(path);
  writer.beginStream('r1');
  writer.beginStream('r2');
  writer.write(call('r1', 1));
  writer.write(call('startup', 1));
  writer.write(call('r2', 1));
  writer.write(call('r1', 2));
  writer.write(exchange('r2'));
  writer.write(exchange('r1'));
  writer.close();
  assert.deepEqual(written(path), ['startup#1', 'r2:in', 'r2#1', 'r1:in', 'r1#1', 'r1#2']);
});

test('a call after its request ended is written at once; a request closed without an answer releases its calls', () => {
  const path = join(dir, `${++files}.vtrace`);
  const writer = new RecordingWriter(path);
  writer.beginStream('r1');
  writer.beginStream('r2');
  writer.write(call('r1', 1));
  writer.write(exchange('r1'));
  writer.write(call('r1', 2));
  writer.write(call('r2', 1));
  writer.endStream('r2');
  writer.write(call('r2', 2));
  writer.close();
  assert.deepEqual(written(path), ['r1:in', 'r1#1', 'r1#2', 'r2#1', 'r2#2']);
});

test('calls still held when the recording closes are written, not lost', () => {
  const path = join(dir, `${++files}.vtrace`);
  const writer = new RecordingWriter(path);
  writer.beginStream('r7');
  writer.write(call('r7', 1));
  writer.close();
  assert.deepEqual(written(path), ['r7#1']);
});

test('each request numbers its own calls from 1, also when requests interleave', async () => {
  const path = join(dir, `${++files}.vtrace`);
  const writer = new RecordingWriter(path);
  const tracer = new Tracer({ mode: 'record', process: '1', writer, events: { emit: () => {} } });
  const tick = () => new Promise<void>((resolve) => setImmediate(resolve));
  const request = (stream: string) =>
    runInStream(stream, async () => {
      tracer.sync('sqlite.get', { sql: 'a' }, () => 1);
      await tick();
      tracer.sync('sqlite.get', { sql: 'b' }, () => 2);
      await tick();
      tracer.value('time.now', () => 3);
    });
  await Promise.all([request('r1'), request('r2')]);
  tracer.sync('sqlite.get', { sql: 'c' }, () => 4);
  tracer.sync('sqlite.get', { sql: 'd' }, () => 5);
  writer.close();
  assert.deepEqual(written(path).sort(), [
    'r1#1',
    'r1#2',
    'r1#3',
    'r2#1',
    'r2#2',
    'r2#3',
    'startup#1',
    'startup#2',
  ]);
});
