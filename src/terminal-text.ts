/**
 * Characters a terminal acts on instead of showing: C0 controls (ESC starts ANSI sequences, CR rewrites
 * the line), DEL, C1 controls (0x9B is a one-byte CSI) and the bidirectional marks and overrides that
 * reorder what is shown.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escaped(char: string): string {
  const named = NAMED[char];
  if (named !== undefined) return named;
  const code = char.charCodeAt(0);
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * Text from a run (endpoint names, error and exception messages, check names, URLs) as a terminal should
 * print it: control characters shown as escapes (`\x1b`, `\r`, `\n`, `\u202e`), not interpreted. Every
 * terminal writer passes what it did not write itself through this.
 */
export function visibleControls(text: string): string {
  return text.replace(CONTROLS, escaped);
}

/** Lines for a terminal: each line's control characters made visible, the line breaks kept. */
export function visibleLines(text: string): string {
  return text.split('\n').map(visibleControls).join('\n');
}
