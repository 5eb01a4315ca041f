/**
 * Known secrets, found in text by their first characters: learning one more costs nothing, and replacing
 * them all in a text is one pass over it (a pattern of every secret would be rebuilt at each new one).
 * At each position the longest secret starting there wins, as with a regex of them longest first.
 *
 * The pass keeps a rolling hash of the last `keyLength` characters, so it looks at each character once
 * and makes no string per position: recordings run it on every line they write.
 */
const BASE = 0x01000193;
/** Up to this many spellings, each is searched for natively instead. */
const FEW = 32;

function hashOf(text: string, from: number, length: number): number {
  let h = 0;
  for (let i = from; i < from + length; i++) h = (Math.imul(h, BASE) + text.charCodeAt(i)) | 0;
  return h;
}

export class SecretIndex {
  /** Secrets shorter than this are not indexed (they would match by chance). */
  readonly keyLength: number;
  readonly #byPrefix = new Map<number, { spelling: string; replacement: string }[]>();
  /** BASE^(keyLength-1): what the character leaving the window weighs in the hash. */
  readonly #outgoing: number;
  /** One bit per low 16 bits of a known hash: most positions are passed over without a map look-up. */
  readonly #seen = new Uint8Array(1 << 16);
  /** Every spelling, longest first: while there are few, a native search for each beats the rolling hash. */
  readonly #all: { spelling: string; replacement: string }[] = [];

  constructor(keyLength: number) {
    this.keyLength = keyLength;
    let weight = 1;
    for (let i = 1; i < keyLength; i++) weight = Math.imul(weight, BASE);
    this.#outgoing = weight;
  }

  add(spelling: string, replacement: string): void {
    if (spelling.length < this.keyLength) return;
    const key = hashOf(spelling, 0, this.keyLength);
    this.#seen[key & 0xffff] = 1;
    let list = this.#byPrefix.get(key);
    if (list === undefined) {
      list = [];
      this.#byPrefix.set(key, list);
    }
    if (list.some((entry) => entry.spelling === spelling)) return;
    list.push({ spelling, replacement });
    list.sort((a, b) => b.spelling.length - a.spelling.length);
    this.#all.push({ spelling, replacement });
    this.#all.sort((a, b) => b.spelling.length - a.spelling.length);
  }

  /** Whether `text` holds any indexed secret. */
  foundIn(text: string): boolean {
    // A hit always changes the text: a replacement is never the spelling it replaces.
    return this.replaceIn(text) !== text;
  }

  /** `text` with every indexed secret replaced, left to right. */
  replaceIn(text: string): string {
    const key = this.keyLength;
    if (this.#byPrefix.size === 0 || text.length < key) return text;
    if (this.#all.length <= FEW) return this.#replaceFew(text);
    let out = '';
    let copied = 0;
    let i = 0;
    let h = hashOf(text, 0, key);
    for (;;) {
      const hit =
        this.#seen[h & 0xffff] === 1
          ? this.#byPrefix.get(h)?.find((e) => text.startsWith(e.spelling, i))
          : undefined;
      if (hit !== undefined) {
        out += text.slice(copied, i) + hit.replacement;
        i += hit.spelling.length;
        copied = i;
        if (i > text.length - key) break;
        h = hashOf(text, i, key);
        continue;
      }
      if (i + key >= text.length) break;
      // Slide the window one character: drop text[i], add text[i + key].
      h = (Math.imul(h - Math.imul(text.charCodeAt(i), this.#outgoing), BASE) + text.charCodeAt(i + key)) | 0;
      i += 1;
    }
    return copied === 0 ? text : out + text.slice(copied);
  }

  /** The same replacement with one native search per spelling: the earliest match wins, the longest on a tie. */
  #replaceFew(text: string): string {
    const all = this.#all;
    const next = all.map((e) => text.indexOf(e.spelling));
    let out = '';
    let copied = 0;
    for (;;) {
      let best = -1;
      for (let k = 0; k < all.length; k++) {
        const at = next[k] as number;
        if (at >= 0 && (best < 0 || at < (next[best] as number))) best = k;
      }
      if (best < 0) break;
      const { spelling, replacement } = all[best] as { spelling: string; replacement: string };
      const at = next[best] as number;
      out += text.slice(copied, at) + replacement;
      copied = at + spelling.length;
      for (let k = 0; k < all.length; k++) {
        if ((next[k] as number) >= 0 && (next[k] as number) < copied)
          next[k] = text.indexOf((all[k] as { spelling: string }).spelling, copied);
      }
    }
    return copied === 0 ? text : out + text.slice(copied);
  }
}
