import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../report/atomic-write.ts';
import type { Har, HarEntry } from './har.ts';
import { RecordingError } from './recording-error.ts';

/** Reads a HAR file: volley's own recordings, or any HAR 1.2 from a browser or proxy. */
export async function readHar(path: string): Promise<Har> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code ?? String(error);
    throw new RecordingError(`cannot read HAR file ${path} (${code})`);
  }
  let har: unknown;
  try {
    har = JSON.parse(text);
  } catch (error) {
    throw new RecordingError(`${path}: not JSON (${(error as Error).message})`);
  }
  const log = (har as { log?: { entries?: unknown } } | null)?.log;
  if (typeof log !== 'object' || log === null || !Array.isArray(log.entries)) {
    throw new RecordingError(`${path}: not a HAR file (no log.entries)`);
  }
  return har as Har;
}

/** A volley recording: a HAR with the volley section replay needs. */
export async function readCassette(
  path: string,
): Promise<Har & { log: { _volley: NonNullable<Har['log']['_volley']> } }> {
  const har = await readHar(path);
  const volley = har.log._volley;
  if (volley === undefined || typeof volley.seed !== 'number') {
    throw new RecordingError(
      `${path}: not a volley recording (no log._volley section); record one with --record`,
    );
  }
  return har as Har & { log: { _volley: typeof volley } };
}

/** Entries of a recording grouped by user, each user's in request order. */
export function entriesByUser(entries: readonly HarEntry[]): Map<number, HarEntry[]> {
  const byUser = new Map<number, HarEntry[]>();
  for (const entry of entries) {
    if (typeof entry._userId !== 'number') continue;
    const list = byUser.get(entry._userId);
    if (list === undefined) byUser.set(entry._userId, [entry]);
    else list.push(entry);
  }
  for (const list of byUser.values()) list.sort((a, b) => (a._seq ?? 0) - (b._seq ?? 0));
  return byUser;
}

/**
 * Writes a HAR atomically (a reader sees the previous file or the whole new one), readable by its owner
 * only: even redacted, a recording holds a system's data.
 */
export function writeHar(path: string, har: Har): Promise<void> {
  return writeFileAtomic(path, `${JSON.stringify(har, null, 2)}\n`, { mode: 0o600 });
}
