/**
 * Known secrets, found in text by their first characters: learning one more costs nothing, and replacing
 * them all in a text is one pass over it (a pattern of every secret would be rebuilt at each new one).
 * At each position the longest secret starting there wins, as with a regex of them longest first.
 */
export class SecretIndex {
  /** Secrets shorter than this are not indexed (they would match by chance). */
  readonly keyLength: number;
  readonly #byPrefix = new Map<string, { spelling: string; replacement: string }[]>();

  constructor(keyLength: number) {
    this.keyLength = keyLength;
  }

  add(spelling: string, replacement: string): void {
    if (spelling.length < this.keyLength) return;
    const key = spelling.slice(0, this.keyLength);
    let list = this.#byPrefix.get(key);
    if (list === undefined) {
      list = [];
      this.#byPrefix.set(key, list);
    }
    if (list.some((entry) => entry.spelling === spelling)) return;
    list.push({ spelling, replacement });
    list.sort((a, b) => b.spelling.length - a.spelling.length);
  }

  /** `text` with every indexed secret replaced, left to right. */
  replaceIn(text: string): string {
    const key = this.keyLength;
    if (this.#byPrefix.size === 0 || text.length < key) return text;
    let out = '';
    let copied = 0;
    let i = 0;
    while (i <= text.length - key) {
      const hit = this.#byPrefix.get(text.slice(i, i + key))?.find((e) => text.startsWith(e.spelling, i));
      if (hit === undefined) {
        i += 1;
        continue;
      }
      out += text.slice(copied, i) + hit.replacement;
      i += hit.spelling.length;
      copied = i;
    }
    return copied === 0 ? text : out + text.slice(copied);
  }
}
