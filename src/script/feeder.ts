import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { parse as ParseCsv } from 'csv-parse/sync';
import { VolleyError } from '../errors.ts';
import { StopUser } from './control.ts';

/**
 * How rows are handed out:
 * - `sequential` (default): one cursor shared by all users, looping at the end;
 * - `random`: any row, each time;
 * - `per-user`: user N always gets row N (wrapping) — e.g. one test account per user;
 * - `unique`: every row at most once in the run; when none is left the asking user stops.
 */
export type FeederMode = 'sequential' | 'random' | 'per-user' | 'unique';

export interface FeederOptions {
  mode?: FeederMode;
  /** Overrides detection from the file extension. */
  format?: 'csv' | 'json';
}

/** The parts of a virtual user a feeder needs. */
export interface FeederUser {
  readonly id: number;
  random(): number;
}

export interface Feeder<Row> {
  readonly rows: readonly Row[];
  readonly size: number;
  /** The next row for this user. `per-user` and `random` need the user; the others ignore it. */
  next(vu?: FeederUser): Row;
}

export class FeederError extends VolleyError {
  override name = 'FeederError';
  override readonly code: string = 'VOLLEY_FEEDER';
}

function loadRows(source: string | URL, format: 'csv' | 'json' | undefined): unknown[] {
  const path = source instanceof URL ? fileURLToPath(source) : source;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new FeederError(`feeder: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
  const kind = format ?? (extname(path).toLowerCase() === '.csv' ? 'csv' : 'json');
  try {
    if (kind === 'csv') return loadCsvParser()(text, { columns: true, skip_empty_lines: true, trim: true });
    const data: unknown = JSON.parse(text);
    if (!Array.isArray(data)) throw new Error('expected a JSON array of rows');
    return data;
  } catch (error) {
    throw new FeederError(`feeder: cannot parse ${path} as ${kind}: ${(error as Error).message}`);
  }
}

/** Test data from a CSV file (header row = keys), a JSON array file, or an array. */
export function feeder<Row = Record<string, string>>(
  source: string | URL | readonly Row[],
  options: FeederOptions = {},
): Feeder<Row> {
  const rows = (
    Array.isArray(source) ? [...source] : loadRows(source as string | URL, options.format)
  ) as Row[];
  if (rows.length === 0) throw new FeederError('feeder: the data has no rows');
  const mode = options.mode ?? 'sequential';
  let cursor = 0;
  const size = rows.length;
  const needUser = (vu: FeederUser | undefined): FeederUser => {
    if (!vu) throw new FeederError(`feeder: mode "${mode}" needs the user: call next(vu)`);
    return vu;
  };
  const next = (vu?: FeederUser): Row => {
    switch (mode) {
      case 'sequential':
        return rows[cursor++ % size] as Row;
      case 'random':
        return rows[Math.floor(needUser(vu).random() * size)] as Row;
      case 'per-user':
        return rows[(needUser(vu).id - 1) % size] as Row;
      case 'unique':
        if (cursor >= size) throw new StopUser(`feeder exhausted: all ${size} unique rows were used`);
        return rows[cursor++] as Row;
      default:
        throw new FeederError(
          `feeder: unknown mode "${String(mode)}" (sequential, random, per-user, unique)`,
        );
    }
  };
  return { rows, size, next };
}

/** csv-parse, loaded on first use (start-up stays light for scenarios without CSV feeders). */
function loadCsvParser(): typeof ParseCsv {
  const module = createRequire(import.meta.url)('csv-parse/sync') as { parse: typeof ParseCsv };
  return module.parse;
}
