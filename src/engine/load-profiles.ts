import type { VolleyOptions } from '../script/options.ts';
import { parseDuration } from './duration.ts';
import { formatStages, type Stage } from './load-stages.ts';
import { OptionError } from './option-error.ts';

export const PROFILE_NAMES = ['smoke', 'load', 'stress', 'spike', 'soak', 'breakpoint'] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

/**
 * A strategy preset. Closed-model profiles shape their stages from `users` (the plateau) and `runTime`
 * (the whole run), so `-u` and `-t` rescale them; `--stages`, `--threshold` and every other flag override.
 */
interface Profile {
  users?: number;
  runTime?: string;
  /** Fractions of the run time and of the plateau: [share of time, share of users] per stage. */
  shape?: readonly (readonly [number, number])[];
  thresholds: readonly string[];
  findCapacity?: boolean;
  capacityStart?: number;
  capacityStep?: number;
  capacityStepTime?: string;
}

/** The documented defaults (README "Load models"). */
export const PROFILES: Readonly<Record<ProfileName, Profile>> = {
  /** A minute-long sanity check with one user: does the scenario work at all? */
  smoke: { users: 1, runTime: '1m', thresholds: ['fail_ratio==0', 'p95<1000'] },
  /** Expected traffic: ramp up over 10 %, hold, ramp down over 10 %. */
  load: {
    users: 20,
    runTime: '5m',
    shape: [
      [0.1, 1],
      [0.8, 1],
      [0.1, 0],
    ],
    thresholds: ['p95<500', 'fail_ratio<0.01'],
  },
  /** Well above expected traffic, ramped in steps, to see how it degrades. */
  stress: {
    users: 100,
    runTime: '10m',
    shape: [
      [0.1, 0.5],
      [0.2, 0.5],
      [0.1, 1],
      [0.4, 1],
      [0.2, 0],
    ],
    thresholds: ['p95<1500', 'fail_ratio<0.05'],
  },
  /** A sudden surge from a small base to the full count, and back. */
  spike: {
    users: 200,
    runTime: '2m',
    shape: [
      [0.1, 0.05],
      [0.05, 1],
      [0.3, 1],
      [0.05, 0.05],
      [0.4, 0.05],
      [0.1, 0],
    ],
    thresholds: ['fail_ratio<0.05'],
  },
  /** Expected traffic for a long time: leaks, exhaustion, slow drift. */
  soak: {
    users: 20,
    runTime: '1h',
    shape: [
      [0.05, 1],
      [0.9, 1],
      [0.05, 0],
    ],
    thresholds: ['p95<500', 'fail_ratio<0.01'],
  },
  /** Open model capacity search: +10 arrivals/s every 30 s from 10/s until a threshold breaks. */
  breakpoint: {
    findCapacity: true,
    capacityStart: 10,
    capacityStep: 10,
    capacityStepTime: '30s',
    thresholds: ['p95<500', 'fail_ratio<0.01'],
  },
};

function isProfileName(name: string): name is ProfileName {
  return (PROFILE_NAMES as readonly string[]).includes(name);
}

/**
 * Options with a profile's defaults filled in under whatever was set (flags, env, config, scenario).
 * The stages come from the resulting users and run time, unless stages, a shape or an arrival rate were given.
 */
export function applyProfile(options: VolleyOptions): VolleyOptions {
  const name = options.profile;
  if (name === undefined) return options;
  if (!isProfileName(name))
    throw new OptionError(`--profile: unknown profile "${name}" (known: ${PROFILE_NAMES.join(', ')})`);
  const p = PROFILES[name];
  const out: VolleyOptions = { ...options };
  if (p.findCapacity) {
    out.findCapacity ??= true;
    out.capacityStart ??= p.capacityStart;
    out.capacityStep ??= p.capacityStep;
    out.capacityStepTime ??= p.capacityStepTime;
  } else {
    out.users ??= p.users;
    if (p.shape && out.stages === undefined && out.shape === undefined && out.arrivalRate === undefined) {
      const totalSec = parseDuration(out.runTime ?? p.runTime ?? '1m', '--run-time');
      const users = out.users ?? 1;
      const stages: Stage[] = p.shape.map(([time, share]) => ({
        durationSec: Math.round(totalSec * time * 1000) / 1000,
        target: Math.round(users * share),
      }));
      out.stages = formatStages(stages, 'users');
      // The stages make the run time; -t was used to size them.
      delete out.runTime;
    } else {
      out.runTime ??= p.runTime;
    }
  }
  if (!out.thresholds || out.thresholds.length === 0) out.thresholds = [...p.thresholds];
  return out;
}
