import { existsSync } from 'node:fs';
import type { RunPlan } from '../engine/run-plan.ts';
import type { RunLogger } from '../log.ts';
import type { RecordMode } from '../metrics/recording-summary.ts';
import type { VolleyOptions } from '../script/options.ts';
import { readCassette } from './cassette.ts';
import type { Har } from './har.ts';
import { RecordingError } from './recording-error.ts';
import { defaultRedactionRules, type RedactionRules } from './redaction.ts';
import { RecordingSession } from './session.ts';

const MODES: readonly RecordMode[] = ['record', 'replay', 'record-missing', 'passthrough'];

/** What the record/replay flags ask for, before the run plan exists. */
export interface RecordingSetup {
  mode: Exclude<RecordMode, 'passthrough'>;
  file: string;
  cassette: Har | null;
  redaction: RedactionRules;
}

/** The redaction rules: the defaults and what --redact, --no-redact, --redact-header, --redact-json-path say. */
export function redactionRules(options: VolleyOptions): RedactionRules {
  return defaultRedactionRules({
    names: options.redact ?? [],
    keep: options.noRedact ?? [],
    headers: options.redactHeaders ?? [],
    jsonPaths: options.redactJsonPaths ?? [],
  });
}

/**
 * Reads --record / --replay / --record-mode. Replaying takes the recording's host, users, iterations and
 * seed unless given (the seed always: task choice and waits must repeat); recording fixes a seed so the
 * run can be replayed. Returns the options to plan the run with, and the setup (null: a plain run).
 */
export async function prepareRecording(
  options: VolleyOptions,
): Promise<{ options: VolleyOptions; setup: RecordingSetup | null }> {
  const { record, replay, recordMode } = options;
  if (record !== undefined && replay !== undefined) {
    throw new RecordingError('--record and --replay: give one (--record-mode record-missing does both)');
  }
  if (recordMode !== undefined && !MODES.includes(recordMode as RecordMode)) {
    throw new RecordingError(`--record-mode: expected ${MODES.join(', ')}, got "${recordMode}"`);
  }
  const file = record ?? replay;
  if (file === undefined) {
    if (recordMode !== undefined && recordMode !== 'passthrough') {
      throw new RecordingError(
        `--record-mode ${recordMode}: name the HAR file with --record FILE or --replay FILE`,
      );
    }
    return { options, setup: null };
  }
  const mode = (recordMode ?? (replay !== undefined ? 'replay' : 'record')) as RecordMode;
  if (mode === 'passthrough') return { options, setup: null };
  const redaction = redactionRules(options);
  if (mode === 'record') {
    const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
    return { options: { ...options, seed }, setup: { mode, file, cassette: null, redaction } };
  }
  if (mode === 'record-missing' && !existsSync(file)) {
    const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
    return { options: { ...options, seed }, setup: { mode, file, cassette: null, redaction } };
  }
  const cassette = await readCassette(file);
  const recorded = cassette.log._volley;
  const bounded = options.iterations !== undefined || options.runTime !== undefined;
  const iterations = options.iterations ?? recorded.iterations ?? undefined;
  if (!bounded && iterations === undefined) {
    throw new RecordingError(
      `${file} was recorded for ${recorded.runTimeSec ?? '?'}s: replay it by --iterations N (with the same -u ${recorded.users})`,
    );
  }
  return {
    options: {
      ...options,
      host: options.host ?? recorded.host,
      users: options.users ?? recorded.users,
      ...(iterations !== undefined && options.runTime === undefined ? { iterations } : {}),
      seed: recorded.seed,
    },
    setup: { mode, file, cassette, redaction },
  };
}

/** The run's recorder for a planned run. */
export function createRecorder(setup: RecordingSetup, plan: RunPlan, log: RunLogger): RecordingSession {
  return new RecordingSession({
    ...setup,
    scenario: plan.scenario,
    host: plan.host,
    users: plan.users,
    iterations: plan.iterations,
    runTimeSec: plan.runTimeSec,
    log,
  });
}
