import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SecretIndex } from '../../src/record/secret-index.ts';

/** The rule the index must keep, the slow way: at each position the longest secret starting there. */
function naive(text: string, secrets: readonly [string, string][]): string {
  const sorted = [...secrets].sort((a, b) => b[0].length - a[0].length);
  let out = '';
  let i = 0;
  while (i < text.length) {
    const hit = sorted.find(([s]) => text.startsWith(s, i));
    if (hit) {
      out += hit[1];
      i += hit[0].length;
    } else out += text[i++];
  }
  return out;
}

test('the secret index replaces exactly what a longest-first scan would, anywhere in the text', () => {
  let seed = 7;
  const random = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  const alphabet = 'ab01é\u{1F600}';
  const word = (n: number) => Array.from({ length: n }, () => alphabet[Math.floor(random() * 6)]).join('');
  for (let round = 0; round < 300; round++) {
    // Up to 4 secrets (searched for one by one) or 30–60 (the rolling hash past 32, crossing over too).
    const count = round % 2 === 0 ? 1 + Math.floor(random() * 4) : 30 + Math.floor(random() * 31);
    const secrets: [string, string][] = Array.from({ length: count }, (_, i) => [
      word(8 + Math.floor(random() * 6)),
      `__S${i}__`,
    ]);
    const parts = Array.from({ length: 6 }, () =>
      random() < 0.5
        ? (secrets[Math.floor(random() * secrets.length)]?.[0] ?? '')
        : word(Math.floor(random() * 12)),
    );
    const text = parts.join('');
    const index = new SecretIndex(8);
    for (const [s, r] of secrets) index.add(s, r);
    assert.equal(
      index.replaceIn(text),
      naive(
        text,
        secrets.filter(([s]) => s.length >= 8),
      ),
      `text ${JSON.stringify(text)}`,
    );
  }
});

test('a secret at the very end, and texts shorter than a key, are handled', () => {
  const index = new SecretIndex(8);
  index.add('abcdefgh', 'X');
  assert.equal(index.replaceIn('..abcdefgh'), '..X');
  assert.equal(index.replaceIn('abcdefghabcdefgh'), 'XX');
  assert.equal(index.replaceIn('abc'), 'abc');
  assert.equal(index.replaceIn('abcdefg'), 'abcdefg');
});
