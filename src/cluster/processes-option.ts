import { availableParallelism } from 'node:os';
import { OptionError } from '../engine/option-error.ts';

/** `--processes N|auto` (already a whole number or "auto"): how many worker processes; 1 runs in-process. */
export function parseProcessCount(value: number | 'auto' | undefined): number {
  if (value === undefined) return 1;
  if (value === 'auto') return availableParallelism();
  if (!Number.isInteger(value) || value < 1) {
    throw new OptionError(`--processes: expected a whole number ≥ 1 or "auto", got ${value}`);
  }
  return value;
}
