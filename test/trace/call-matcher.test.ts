import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isChangedCall, StreamCalls, similarity } from '../../src/trace/call-matcher.ts';
import type { CallLine } from '../../src/trace/trace-format.ts';
import type { Encoded } from '../../src/trace/typed-json.ts';

let position = 0;
const call = (k: string, a: Encoded, r: Encoded = null): CallLine => ({
  t: 'call',
  p: 'app',
  s: 'r1',
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
});
