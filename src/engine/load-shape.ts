import { VolleyError } from '../errors.ts';
import type { LoadShape, ShapeTick } from '../script/options.ts';

/** Where a shape's decisions go, applied as of `atMs` (the tick's planned time, performance.now() ms). */
export interface LoadControl {
  setUsers(users: number, spawnRate: number | undefined, atMs: number): void;
  setArrivalRate(rate: number, atMs: number): void;
  /** Ends the run; `atMs`: the moment the load was planned to stop (the tick's planned time). */
  end(reason: string, atMs?: number): void;
  log(level: 'warn' | 'error', message: string): void;
}

/** Thrown for a tick that is neither { users, spawnRate? }, { rate } nor null. */
export class ShapeError extends VolleyError {
  override name = 'ShapeError';
  override readonly code: string = 'VOLLEY_SHAPE';
}

/** Checks one tick's value; null ends the run. */
export function checkShapeTick(value: unknown): ShapeTick {
  if (value === null || value === undefined) return null;
  if (typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (typeof v.users === 'number' && Number.isInteger(v.users) && v.users >= 0) {
      const rate = v.spawnRate;
      if (rate === undefined || (typeof rate === 'number' && rate > 0))
        return rate === undefined ? { users: v.users } : { users: v.users, spawnRate: rate };
    } else if (typeof v.rate === 'number' && Number.isFinite(v.rate) && v.rate >= 0) {
      return { rate: v.rate };
    }
  }
  throw new ShapeError(
    `shape: expected { users, spawnRate? }, { rate } or null, got ${JSON.stringify(value) ?? String(value)}`,
  );
}

/**
 * Ticks `shape` at 0 s, 1 s, 2 s… after `startMs` (aligned to the start, not drifting) and applies what it
 * returns; repeated identical ticks change nothing. Returns a function that stops ticking.
 */
export function driveShape(shape: LoadShape, control: LoadControl, startMs: number): () => void {
  let timer: NodeJS.Timeout | null = null;
  let last = '';
  let n = 0;
  const tick = (): void => {
    // A timer may fire a hair early: tick n never sees less than n seconds.
    const elapsedSec = Math.max(n, Math.round(performance.now() - startMs) / 1000);
    let next: ShapeTick;
    try {
      next = checkShapeTick(shape(elapsedSec));
    } catch (error) {
      control.log(
        'error',
        error instanceof ShapeError ? error.message : `shape threw: ${(error as Error)?.message ?? error}`,
      );
      control.end('error');
      return;
    }
    // Applied as of the tick's planned time, so a late timer does not stretch or shrink a step.
    const atMs = startMs + n * 1000;
    if (next === null) {
      control.end('shape', atMs);
      return;
    }
    const key = JSON.stringify(next);
    if (key !== last) {
      last = key;
      if ('rate' in next) control.setArrivalRate(next.rate, atMs);
      else control.setUsers(next.users, next.spawnRate, atMs);
    }
    n += 1;
    timer = setTimeout(tick, Math.max(0, startMs + n * 1000 - performance.now()));
  };
  tick();
  return () => {
    if (timer) clearTimeout(timer);
    timer = null;
  };
}
