import { existsSync, readFileSync } from 'node:fs';
import { TraceError } from './trace-error.ts';

/** Where a recording's secrets are kept: beside it, mode 0600, never to be shared with the recording. */
export function secretsFileOf(recording: string): string {
  return `${recording}.secrets`;
}

/**
 * A recording's text with its placeholders restored from its secrets file, when there is one; the
 * text as it is otherwise.
 */
export function restoreSecrets(text: string, recording: string): string {
  const file = secretsFileOf(recording);
  if (!existsSync(file)) return text;
  const values = new Map<string, string>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line === '') continue;
    try {
      const { placeholder: mark, value } = JSON.parse(line) as { placeholder: string; value: string };
      values.set(mark, value);
    } catch {
      throw new TraceError(`${file}: not a volley secrets file; remove it or record again`);
    }
  }
  // JSON-escaped, since they go back into JSON text.
  return text.replace(/__REDACTED_\d+__/g, (mark) => {
    const value = values.get(mark);
    return value === undefined ? mark : JSON.stringify(value).slice(1, -1);
  });
}
