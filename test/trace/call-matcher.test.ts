import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isChangedCall, ProcessCalls, StreamCalls, similarity } from '../../src/trace/call-matcher.ts';
import type { CallLine } from '../../src/trace/trace-format.ts';
import type { Encoded } from '../../src/trace/typed-json.ts';

let position = 0;
const call = (k: string, a: Encoded, r: Encoded = null, s = 'r1'): CallLine => ({
  t: 'call',
  p: 'app',
  s,
  n: ++position,
  k,
  a,
  r,
});
const sql = (text: string, params: Encoded[] = []): Encoded => ({ db: 'app.db', sql: text, params });

describe('matching a replayed call to the recording', () => {
  it('answers a call with the recorded call of the same kind and arguments, in order for repeats', () => {
    const calls = new StreamCalls([
      call('sqlite.all', sql('SELECT count(*) FROM users'), 1),
      call('sqlite.run', sql('INSERT INTO users VALUES (?)', ['a'])),
      call('sqlite.all', sql('SELECT count(*) FROM users'), 2),
    ]);
    const first = calls.take('sqlite.all', sql('SELECT count(*) FROM users'));
    assert.equal(first.type === 'match' && first.call.line.r, 1);
    assert.equal(calls.take('sqlite.run', sql('INSERT INTO users VALUES (?)', ['a'])).type, 'match');
    const second = calls.take('sqlite.all', sql('SELECT count(*) FROM users'));
    assert.equal(second.type === 'match' && second.call.line.r, 2);
    assert.deepEqual(calls.unused(), []);
  });

  it('matches calls made in another order, and leaves a skipped call over as never made', () => {
    const calls = new StreamCalls([
      call('sqlite.get', sql('SELECT * FROM a')),
      call('sqlite.get', sql('SELECT * FROM b')),
      call('sqlite.get', sql('SELECT * FROM c')),
    ]);
    assert.equal(calls.take('sqlite.get', sql('SELECT * FROM c')).type, 'match');
    assert.equal(calls.take('sqlite.get', sql('SELECT * FROM a')).type, 'match');
    assert.deepEqual(
      calls.unused().map((c) => (c.line.a as { sql: string }).sql),
      ['SELECT * FROM b'],
    );
  });

  it('never answers a call whose arguments differ with another call’s result', () => {
    const calls = new StreamCalls([
      call('sqlite.get', sql('SELECT * FROM users WHERE id = ?', [1]), 'secret row'),
    ]);
    const changed = calls.take('sqlite.get', sql('SELECT * FROM users WHERE id = ?', [2]));
    assert.equal(changed.type, 'args-differ');
    assert.equal(calls.take('sqlite.get', sql('SELECT * FROM users WHERE id = ?', [1])).type, 'not-recorded');
  });

  it('reports a changed statement as the recorded call changed, showing the recorded one', () => {
    const calls = new StreamCalls([call('sqlite.get', sql('SELECT * FROM users WHERE id = ?', [1]))]);
    const result = calls.take('sqlite.get', sql('SELECT id, name FROM users WHERE id = ?', [1]));
    assert.equal(result.type, 'args-differ');
    assert.equal(
      result.type === 'args-differ' && (result.recorded.line.a as { sql: string }).sql,
      'SELECT * FROM users WHERE id = ?',
    );
  });

  it('reports an unrelated extra call as not in the recording, and keeps the expected one waiting', () => {
    const calls = new StreamCalls([call('sqlite.get', sql('SELECT count(*) AS n FROM users'))]);
    assert.equal(calls.take('sqlite.get', sql('SELECT 1')).type, 'not-recorded');
    assert.equal(calls.take('sqlite.get', sql('SELECT count(*) AS n FROM users')).type, 'match');
  });

  it('reports a call of a kind never recorded in the stream as not in the recording', () => {
    const calls = new StreamCalls([call('sqlite.get', sql('SELECT 1'))]);
    assert.equal(calls.take('http.request', { method: 'GET', url: 'http://x/' }).type, 'not-recorded');
  });

  it('tells a changed URL from an unrelated one', () => {
    assert.ok(
      isChangedCall(
        { method: 'GET', url: 'https://api.example/v1/users/1' },
        { method: 'GET', url: 'https://api.example/v2/users/1' },
      ),
    );
    assert.ok(
      !isChangedCall(
        { method: 'GET', url: 'https://api.example/v1/users/1' },
        { method: 'POST', url: 'https://other.test/login' },
      ),
    );
    assert.ok(isChangedCall(sql('INSERT INTO t VALUES (?)', [5]), sql('INSERT INTO t VALUES (?)', [7])));
  });

  it('measures likeness from 0 (nothing shared) to 1 (same words)', () => {
    assert.equal(similarity('select a from b', 'select a from b'), 1);
    assert.equal(similarity('alpha beta', 'gamma delta'), 0);
    assert.equal(similarity('a b', 'a c'), 0.5);
  });

  it('takes repeated calls in the order they were made, whatever order their lines were written in', () => {
    const first = call('sqlite.get', sql('SELECT 1'), 'first');
    const second = call('sqlite.get', sql('SELECT 1'), 'second');
    const calls = new StreamCalls([second, first]);
    const taken = calls.take('sqlite.get', sql('SELECT 1'));
    assert.equal(taken.type === 'match' && taken.call.line.r, 'first');
  });

  it('never answers a call with a recorded call of another kind, even with the same arguments', () => {
    const calls = new StreamCalls([call('sqlite.get', sql('SELECT 1'), 'row')]);
    assert.equal(calls.take('sqlite.all', sql('SELECT 1')).type, 'not-recorded');
    assert.equal(calls.take('sqlite.get', sql('SELECT 1')).type, 'match');
  });

  it('judges a call by its statement, URL, text or path, whatever its other values', () => {
    const manyValues = (from: number): Encoded[] => Array.from({ length: 12 }, (_, i) => `v${from + i}`);
    for (const field of ['sql', 'text', 'url', 'path']) {
      const recorded = { [field]: 'SELECT name FROM users', values: manyValues(0) };
      const live = { [field]: 'SELECT name FROM users', values: manyValues(100) };
      assert.ok(isChangedCall(recorded, live), `${field}: same ${field}, other values`);
      assert.ok(
        !isChangedCall(recorded, { [field]: 'DELETE FROM orders', values: manyValues(0) }),
        `${field}: another ${field}, same values`,
      );
    }
  });

  it('calls a statement changed from half its words alike', () => {
    assert.ok(isChangedCall({ url: 'alpha beta' }, { url: 'alpha gamma' }));
    assert.ok(!isChangedCall({ url: 'alpha beta gamma' }, { url: 'alpha delta epsilon' }));
  });

  it('compares the whole arguments when either call has no statement or URL', () => {
    assert.ok(isChangedCall(['alpha', 'beta'], ['alpha', 'gamma']));
    assert.ok(!isChangedCall(['alpha', 'beta', 'gamma'], ['alpha', 'delta', 'epsilon']));
    assert.ok(isChangedCall(null, null));
    assert.ok(!isChangedCall(null, { sql: 'SELECT 1' }));
    assert.ok(!isChangedCall({ sql: 'SELECT 1' }, 'another thing'));
    assert.ok(isChangedCall('alpha beta', 'alpha gamma'));
  });

  it('counts two texts without words as alike', () => {
    assert.equal(similarity('', ''), 1);
    assert.equal(similarity('!!', '--'), 1);
  });
});

describe('the recorded calls of a process', () => {
  const lines = [
    call('sqlite.get', sql('SELECT 1'), 'one', 'r1'),
    call('sqlite.get', sql('SELECT 2'), 'two', 'r2'),
    call('sqlite.run', sql('UPDATE t SET a = 1'), null, 'r2'),
    // 'setup' as recordings spell it (the stream of failed set-up calls).
    call('sqlite.open', { db: 'missing.db' }, null, 'setup'),
  ];

  it('gives each stream its own recorded calls, and the same ones on every visit', () => {
    const calls = new ProcessCalls(lines);
    assert.equal(calls.stream('r1').take('sqlite.run', sql('UPDATE t SET a = 1')).type, 'not-recorded');
    assert.equal(calls.stream('r2').take('sqlite.run', sql('UPDATE t SET a = 1')).type, 'match');
    assert.equal(calls.stream('r2').take('sqlite.run', sql('UPDATE t SET a = 1')).type, 'not-recorded');
    assert.deepEqual(calls.stream('r9').unused(), []);
  });

  it('lists the calls never made per stream, streams never entered included, set-up calls left out', () => {
    const calls = new ProcessCalls(lines);
    assert.equal(calls.stream('r2').take('sqlite.get', sql('SELECT 2')).type, 'match');
    assert.deepEqual(
      calls.unused().map(({ stream, calls }) => [stream, calls.map((c) => c.line.k)]),
      [
        ['r1', ['sqlite.get']],
        ['r2', ['sqlite.run']],
      ],
    );
    calls.stream('r1').take('sqlite.get', sql('SELECT 1'));
    calls.stream('r2').take('sqlite.run', sql('UPDATE t SET a = 1'));
    assert.deepEqual(calls.unused(), []);
  });

  it('finds a recorded set-up failure by kind and arguments only', () => {
    const calls = new ProcessCalls(lines);
    assert.equal(calls.setupFailure('sqlite.open', { db: 'missing.db' }), lines[3]);
    assert.equal(calls.setupFailure('sqlite.open', { db: 'other.db' }), undefined);
    assert.equal(calls.setupFailure('sqlite.prepare', { db: 'missing.db' }), undefined);
    assert.equal(
      new ProcessCalls(lines.slice(0, 3)).setupFailure('sqlite.open', { db: 'missing.db' }),
      undefined,
    );
  });
});
