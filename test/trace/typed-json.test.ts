import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonical, decode, encode, encodeError, encodeRowSet } from '../../src/trace/typed-json.ts';

const roundTrip = (value: unknown): unknown => decode(JSON.parse(JSON.stringify(encode(value))));

describe('typed JSON of a recording', () => {
  it('gives back bigint, Buffer, Uint8Array, Date, undefined, NaN, ±Infinity and -0 with their types', () => {
    const value = {
      big: 12345678901234567890n,
      buf: Buffer.from([0, 1, 255]),
      u8: new Uint8Array([7, 8]),
      at: new Date('2026-01-02T03:04:05.678Z'),
      none: undefined,
      nan: Number.NaN,
      inf: Number.POSITIVE_INFINITY,
      ninf: Number.NEGATIVE_INFINITY,
      nzero: -0,
      list: [1, 'two', null, true],
    };
    const back = roundTrip(value) as typeof value;
    assert.equal(back.big, value.big);
    assert.ok(Buffer.isBuffer(back.buf));
    assert.deepEqual([...back.buf], [0, 1, 255]);
    assert.ok(back.u8 instanceof Uint8Array && !Buffer.isBuffer(back.u8));
    assert.deepEqual([...back.u8], [7, 8]);
    assert.ok(back.at instanceof Date);
    assert.equal(back.at.toISOString(), '2026-01-02T03:04:05.678Z');
    assert.ok('none' in back && back.none === undefined);
    assert.ok(Number.isNaN(back.nan));
    assert.equal(back.inf, Number.POSITIVE_INFINITY);
    assert.equal(back.ninf, Number.NEGATIVE_INFINITY);
    assert.ok(Object.is(back.nzero, -0));
    assert.deepEqual(back.list, [1, 'two', null, true]);
  });

  it('writes rows with the same columns once per column and gives back every cell with its type', () => {
    const row = (id: number, blob: Uint8Array | null, big: bigint, score: number) =>
      Object.assign(Object.create(null), { id, name: `n${id}`, blob, big, score });
    const rows = [row(1, new Uint8Array([1, 2]), 10n, -0), row(2, null, 20n, Number.NaN)];
    const text = JSON.stringify(encodeRowSet(rows));
    assert.equal(text.match(/"name"/g)?.length, 1, text);
    const back = decode(JSON.parse(text)) as Record<string, unknown>[];
    assert.equal(back.length, 2);
    assert.deepEqual(Object.keys(back[0] as object), ['id', 'name', 'blob', 'big', 'score']);
    assert.equal(back[1]?.name, 'n2');
    const blob = back[0]?.blob;
    assert.ok(blob instanceof Uint8Array);
    assert.deepEqual([...blob], [1, 2]);
    assert.equal(back[1]?.blob, null);
    assert.equal(back[1]?.big, 20n);
    assert.ok(Object.is(back[0]?.score, -0));
    assert.ok(Number.isNaN(back[1]?.score));
  });

  it('never mistakes an object with a $t key for a tagged value', () => {
    assert.deepEqual(roundTrip({ $t: 'bigint', v: '1' }), { $t: 'bigint', v: '1' });
  });

  it('keeps an error’s name, message and own properties', () => {
    const error = Object.assign(new Error('duplicate key'), { code: '23505', constraint: 'users_email_key' });
    error.name = 'DatabaseError';
    const back = roundTrip(error) as Error & { code: string; constraint: string };
    assert.ok(back instanceof Error);
    assert.equal(back.name, 'DatabaseError');
    assert.equal(back.message, 'duplicate key');
    assert.equal(back.code, '23505');
    assert.equal(back.constraint, 'users_email_key');
    assert.deepEqual(encodeError('plain').message, 'plain');
  });

  it('compares arguments regardless of key order', () => {
    assert.equal(
      canonical(encode({ b: 1, a: [2, { d: 3, c: 4 }] })),
      canonical(encode({ a: [2, { c: 4, d: 3 }], b: 1 })),
    );
    assert.notEqual(canonical(encode({ a: 1 })), canonical(encode({ a: '1' })));
  });
});
