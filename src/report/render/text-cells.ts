import { visibleControls } from '../../terminal-text.ts';

/**
 * Width of `text` in terminal columns, counting code points so a name with an emoji is not cut in half,
 * and control characters as the escapes they are printed as (`\x1b`).
 */
export function textWidth(text: string): number {
  let width = 0;
  for (const char of text) width += char < ' ' || char > '~' ? visibleControls(char).length : 1;
  return width;
}

/** Left-aligned in `width` columns (never truncated: a longer text widens its line). */
export function padRight(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - textWidth(text)));
}

/** Right-aligned in `width` columns (never truncated). */
export function padLeft(text: string, width: number): string {
  return ' '.repeat(Math.max(0, width - textWidth(text))) + text;
}

/** The widest of `minimum` and every text's width: a column grows to fit its longest cell. */
export function columnWidth(minimum: number, texts: readonly string[]): number {
  return texts.reduce((widest, text) => Math.max(widest, textWidth(text)), minimum);
}
