import { availableParallelism } from 'node:os';
import { OptionError } from '../engine/option-error.ts';

/** `--processes N|auto`: how many worker processes to run; `auto` is one per core. 1 runs in-process. */
export function parseProcessCount(value: string | number | undefined): number {
  if (value === undefined) return 1;
  const text = String(value).trim().toLowerCase();
  if (text === 'auto') return availableParallelism();
  if (!/^\d+$/.test(text) || Number(text) < 1) {
    throw new OptionError(`--processes: expected a whole number ≥ 1 or "auto", got "${value}"`);
  }
  return Number(text);
}
