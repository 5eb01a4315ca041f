/**
 * Known secrets, found in text by their 4-character pieces: learning one more costs nothing, and replacing
 * them all in a text is one pass over it (a pattern of every secret would be rebuilt at each new one).
 * At each position the longest secret starting there wins, as with a regex of them longest first.
 *
 * Every secret is at least `keyLength` (8) characters long, so any place it occurs covers a text position
 * that is a multiple of `keyLength - 3` where one of its 4-character pieces starts: the pass reads a piece
 * at every 5th position only, and every piece of every secret is indexed with its offset. Most pieces are
 * passed over by a 64 Ki-bit filter without a map look-up. Recordings run this on every line they write.
 */
const BASE = 0x01000193;
/** The length of the pieces indexed and read. */
const PIECE = 4;
/** Up to this many spellings, each is searched for natively instead. */
const FEW = 32;

function hashOf(text: string, from: number): number {
  return (
    (Math.imul(
      Math.imul(Math.imul(text.charCodeAt(from), BASE) + text.charCodeAt(from + 1), BASE) +
        text.charCodeAt(from + 2),
      BASE,
    ) +
      text.charCodeAt(from + 3)) |
    0
  );
}

interface Secret {
  readonly spelling: string;
  readonly replacement: string;
}

/** A secret that has this piece at this offset. */
interface Piece {
  readonly secret: Secret;
  readonly offset: number;
}

export class SecretIndex {
  /** Secrets shorter than this are not indexed (they would match by chance). */
  readonly keyLength: number;
  /** Pieces are read this many characters apart: a secret of `keyLength` still covers one. */
  readonly #step: number;
  readonly #byPiece = new Map<number, Piece[]>();
  readonly #spellings = new Set<string>();
  /** One bit per low 16 bits of a known piece's hash: most positions are passed over at once. */
  readonly #seen = new Uint8Array(1 << 16);
  /** Every spelling, longest first, while there are few: a native search for each beats the pieces. */
  readonly #all: Secret[] = [];

  constructor(keyLength: number) {
    if (keyLength <= PIECE) throw new RangeError(`secrets are indexed from ${PIECE + 1} characters`);
    this.keyLength = keyLength;
    this.#step = keyLength - PIECE + 1;
  }

  add(spelling: string, replacement: string): void {
    if (spelling.length < this.keyLength || this.#spellings.has(spelling)) return;
    this.#spellings.add(spelling);
    const secret: Secret = { spelling, replacement };
    for (let offset = 0; offset + PIECE <= spelling.length; offset++) {
      const key = hashOf(spelling, offset);
      this.#seen[key & 0xffff] = 1;
      const pieces = this.#byPiece.get(key);
      if (pieces === undefined) this.#byPiece.set(key, [{ secret, offset }]);
      else pieces.push({ secret, offset });
    }
    if (this.#spellings.size <= FEW) {
      this.#all.push(secret);
      this.#all.sort((a, b) => b.spelling.length - a.spelling.length);
    } else {
      // Past a few, the pieces take over for good: a list of every secret, sorted again at each new
      // one, cost a recording that learns a token per login more per login the longer it ran.
      this.#all.length = 0;
    }
  }

  /** Whether `text` holds any indexed secret. */
  foundIn(text: string): boolean {
    // A hit always changes the text: a replacement is never the spelling it replaces.
    return this.replaceIn(text) !== text;
  }

  /** `text` with every indexed secret replaced, left to right. */
  replaceIn(text: string): string {
    if (this.#spellings.size === 0 || text.length < this.keyLength) return text;
    if (this.#spellings.size <= FEW) return this.#replaceFew(text);
    // Every occurrence, found from the pieces read (the same one may be found from several).
    let found: { at: number; secret: Secret }[] | null = null;
    const last = text.length - PIECE;
    for (let at = 0; at <= last; at += this.#step) {
      const key = hashOf(text, at);
      if (this.#seen[key & 0xffff] === 0) continue;
      const pieces = this.#byPiece.get(key);
      if (pieces === undefined) continue;
      for (const { secret, offset } of pieces) {
        const start = at - offset;
        if (start >= 0 && text.startsWith(secret.spelling, start)) {
          found ??= [];
          found.push({ at: start, secret });
        }
      }
    }
    if (found === null) return text;
    // Left to right, the longest at a position first; occurrences inside a replaced one are skipped.
    found.sort((a, b) => a.at - b.at || b.secret.spelling.length - a.secret.spelling.length);
    let out = '';
    let copied = 0;
    for (const { at, secret } of found) {
      if (at < copied) continue;
      out += text.slice(copied, at) + secret.replacement;
      copied = at + secret.spelling.length;
    }
    return out + text.slice(copied);
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
