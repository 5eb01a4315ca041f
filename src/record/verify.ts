import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveRunPlan } from '../engine/resolve-plan.ts';
import { runLoadTest } from '../engine/run.ts';
import type { LoadedScenario } from '../engine/scenario-loader.ts';
import type { LogLevel, RunLogger } from '../log.ts';
import type { RunSummary } from '../metrics/summary.ts';
import type { VolleyOptions } from '../script/options.ts';
import { visibleControls } from '../terminal-text.ts';
import { readCassette } from './cassette.ts';
import { createRecorder, prepareRecording } from './run-options.ts';

export interface VerifyOptions {
  /** Run settings: at least the host (unless every user class has one); users and iterations default to 2 and 3. */
  options: VolleyOptions;
  /** Where to keep the recording; default: a temporary file, removed afterwards. */
  harFile?: string;
}

export interface VerifyPhase {
  name: 'dry run' | 'record' | 'replay' | 'compare';
  passed: boolean;
  requests: number | null;
  failures: number | null;
  notes: string;
}

export interface VerifyResult {
  passed: boolean;
  phases: VerifyPhase[];
}

/** Runs one phase quietly; what it logs as a warning or error becomes the phase's notes. */
async function runPhase(
  scenario: LoadedScenario,
  options: VolleyOptions,
  command: string,
): Promise<{ summary: RunSummary; messages: string[] }> {
  const messages: string[] = [];
  const log: RunLogger = (level: LogLevel, message) => {
    if (level !== 'info') messages.push(message.split('\n').slice(0, 3).join(' '));
  };
  const { options: resolved, setup } = await prepareRecording(options);
  const plan = resolveRunPlan(resolved, scenario, { command, log });
  if (setup) plan.recorder = createRecorder(setup, plan, log);
  return { summary: await runLoadTest(plan), messages };
}

function rows(summary: RunSummary): string[] {
  return summary.endpoints.map(
    (e) => `${e.method} ${e.name}: ${e.requests} requests, ${e.failures} failures`,
  );
}

function failures(summary: RunSummary): string[] {
  return summary.failures.map((f) => `${f.method} ${f.name}: ${f.error} ×${f.occurrences}`).sort();
}

function checks(summary: RunSummary): string[] {
  return summary.checks.map(
    (c) => `${c.method} ${c.endpoint}: ${c.name} ${c.passes} passed, ${c.fails} failed`,
  );
}

function phaseOf(name: VerifyPhase['name'], summary: RunSummary, notes: string[]): VerifyPhase {
  const passed = summary.exitCode === 0 && summary.exceptions.length === 0;
  const why = [
    ...(summary.aggregated.failures > 0
      ? [`${summary.aggregated.failures} failed: ${failures(summary)[0] ?? ''}`]
      : []),
    ...(summary.exceptions.length > 0 ? [`exception: ${summary.exceptions[0]?.message ?? ''}`] : []),
    ...(summary.exitCode !== 0 && summary.aggregated.failures === 0 ? [`exit code ${summary.exitCode}`] : []),
  ];
  return {
    name,
    passed,
    requests: summary.aggregated.requests,
    failures: summary.aggregated.failures,
    notes: [...why, ...notes].join('; '),
  };
}

/** The first difference between two lists, or null. */
function firstDifference(what: string, a: readonly string[], b: readonly string[]): string | null {
  const length = Math.max(a.length, b.length);
  for (let i = 0; i < length; i++) {
    if (a[i] !== b[i]) return `${what}: recorded ${a[i] ?? '(none)'}, replayed ${b[i] ?? '(none)'}`;
  }
  return null;
}

/**
 * Checks a scenario is recordable and replayable: a dry run against the host, a recorded run, an offline
 * replay of that recording, and a comparison of the two (requests per endpoint, statuses, checks and
 * failures). Passes only when every phase does.
 */
export async function verifyScenario(scenario: LoadedScenario, verify: VerifyOptions): Promise<VerifyResult> {
  // Iterations-bound, so the replay asks for exactly what was recorded.
  const { runTime: _runTime, record: _record, replay: _replay, recordMode: _mode, ...given } = verify.options;
  // Thresholds are left out: verify is about correctness, and timings on a busy machine are noise.
  const options: VolleyOptions = {
    ...given,
    users: given.users ?? 2,
    iterations: given.iterations ?? 3,
    thresholds: [],
  };
  // The dry run's seed differs from the recorded run's: seeded `unique` values would collide otherwise.
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 30);
  options.seed = seed;
  const dir = verify.harFile === undefined ? await mkdtemp(join(tmpdir(), 'volley-verify-')) : null;
  const har = verify.harFile ?? join(dir as string, 'verify.har');
  const phases: VerifyPhase[] = [];
  try {
    const dry = await runPhase(scenario, { ...options, seed: seed + 1 }, 'volley verify (dry run)');
    phases.push(phaseOf('dry run', dry.summary, dry.messages));

    const recorded = await runPhase(scenario, { ...options, record: har }, 'volley verify (record)');
    const cassette = await readCassette(har);
    const statuses = cassette.log.entries.map((e) => e.response.status);
    phases.push(
      phaseOf('record', recorded.summary, [`${statuses.length} exchanges → ${har}`, ...recorded.messages]),
    );

    const replayed = await runPhase(scenario, { ...options, replay: har }, 'volley verify (replay)');
    const recording = replayed.summary.recording;
    const divergences = recording?.divergences ?? [];
    const replayPhase = phaseOf('replay', replayed.summary, [
      `offline: ${recording?.replayed ?? 0} answered from the recording, ${divergences.length} divergence${divergences.length === 1 ? '' : 's'}`,
      ...divergences.map((d) => d.message),
    ]);
    phases.push(replayPhase);

    const differences = [
      firstDifference('requests', rows(recorded.summary), rows(replayed.summary)),
      firstDifference('failures', failures(recorded.summary), failures(replayed.summary)),
      firstDifference('checks', checks(recorded.summary), checks(replayed.summary)),
      recording?.replayed === statuses.length && recording.unused === 0
        ? null
        : `statuses: ${statuses.length} recorded, ${recording?.replayed ?? 0} replayed`,
      recorded.summary.exceptions.length === replayed.summary.exceptions.length ? null : 'exceptions differ',
    ].filter((d): d is string => d !== null);
    phases.push({
      name: 'compare',
      passed: differences.length === 0 && divergences.length === 0,
      requests: null,
      failures: null,
      notes:
        differences.length === 0 ? 'requests, statuses, checks and failures match' : differences.join('; '),
    });
  } finally {
    if (dir !== null) await rm(dir, { recursive: true, force: true });
  }
  return { passed: phases.length === 4 && phases.every((p) => p.passed), phases };
}

/** The phases as a console table. */
export function formatVerifyTable(result: VerifyResult): string {
  const header = ['Phase', 'Result', 'Requests', 'Failures', 'Notes'];
  const body = result.phases.map((p) => [
    p.name,
    p.passed ? 'pass' : 'FAIL',
    p.requests === null ? '' : String(p.requests),
    p.failures === null ? '' : String(p.failures),
    visibleControls(p.notes),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] ?? '').length)));
  const line = (row: string[]) =>
    row
      .map((cell, i) =>
        i === 2 || i === 3 ? cell.padStart(widths[i] ?? 0) : cell.padEnd(i === 4 ? 0 : (widths[i] ?? 0)),
      )
      .join('  ')
      .trimEnd();
  return `${[line(header), ...body.map(line)].join('\n')}\nverify: ${result.passed ? 'passed' : 'FAILED'}\n`;
}
