import type { ResponseDifference } from './response-diff.ts';
import { type InboundLine, streamNumber, type TraceRecording } from './trace-format.ts';
import type { DivergenceEvent } from './tracer.ts';
import { canonical, type Encoded } from './typed-json.ts';

export interface RequestOutcome {
  exchange: InboundLine;
  difference: ResponseDifference | null;
  /** The request could not be sent or answered (the program crashed, reset the connection). */
  error: string | null;
}

export interface ClientOutcome {
  recordedExitCode: number | null;
  exitCode: number;
  recordedStdout: string | null;
  stdout: string;
}

export interface ReportGroup {
  /** `r<N>` for the N-th recorded request, `startup` or `background`. */
  stream: string;
  request: { method: string; url: string } | null;
  divergences: DivergenceEvent[];
  response: ResponseDifference | null;
  error: string | null;
}

export interface ReplayReport {
  recording: string;
  order: 'recorded' | 'shuffled';
  seed: number;
  requests: number;
  identical: number;
  counts: { divergences: number; responseDiffs: number; unused: number; escaped: number };
  /** Background calls not made again: reported, not failing (background work follows the wall clock). */
  backgroundUnused: number;
  groups: ReportGroup[];
  client: (ClientOutcome & { exitCodeMatches: boolean; stdoutMatches: boolean }) | null;
  /** The exit code of a server that exited by itself during the replay (it crashed), else null. */
  crashed: number | null;
  /** It exited before it listened: no request was replayed. */
  neverListened: boolean;
  durationMs: number;
  passed: boolean;
}

function streamOrder(a: string, b: string): number {
  const rank = (s: string): number =>
    s === 'startup' ? -1 : s === 'background' ? Number.MAX_SAFE_INTEGER : streamNumber(s);
  return rank(a) - rank(b);
}

/** Puts together what the driver saw (responses) and what the traced process reported (divergences). */
export function buildReport(input: {
  recording: TraceRecording;
  outcomes: readonly RequestOutcome[];
  divergences: readonly DivergenceEvent[];
  client: ClientOutcome | null;
  /** A server that exited by itself during the replay, with its exit code. */
  crashed: number | null;
  /** The server exited before it listened: no request was sent. */
  neverListened: boolean;
  order: 'recorded' | 'shuffled';
  seed: number;
  durationMs: number;
}): ReplayReport {
  const requestStreams = new Map(input.recording.inbound.map((line) => [line.s, line]));
  const groups = new Map<string, ReportGroup>();
  const group = (stream: string): ReportGroup => {
    let found = groups.get(stream);
    if (found === undefined) {
      const line = requestStreams.get(stream);
      found = {
        stream,
        request: line ? { method: line.req.method, url: line.req.url } : null,
        divergences: [],
        response: null,
        error: null,
      };
      groups.set(stream, found);
    }
    return found;
  };
  const counts = { divergences: 0, responseDiffs: 0, unused: 0, escaped: 0 };
  let backgroundUnused = 0;
  // A request that got no answer (the program crashed) shows that; its calls left over say nothing more.
  const unanswered = new Set(input.outcomes.filter((o) => o.error !== null).map((o) => o.exchange.s));
  for (const event of input.divergences) {
    // Calls of a request the recording has no exchange for (cut off while recording) are not replayed.
    const known = requestStreams.has(event.s) || event.s === 'startup' || event.s === 'background';
    if (event.type === 'unused' && (!known || unanswered.has(event.s))) continue;
    if (event.type === 'unused' && event.s === 'background') {
      backgroundUnused++;
      continue;
    }
    group(event.s).divergences.push(event);
    if (event.type === 'unused') counts.unused++;
    else if (event.type === 'escaped') counts.escaped++;
    else counts.divergences++;
  }
  for (const outcome of input.outcomes) {
    if (outcome.difference === null && outcome.error === null) continue;
    const g = group(outcome.exchange.s);
    g.response = outcome.difference;
    g.error = outcome.error;
    counts.responseDiffs++;
  }
  for (const g of groups.values()) {
    g.divergences.sort((a, b) => (a.n ?? Number.MAX_SAFE_INTEGER) - (b.n ?? Number.MAX_SAFE_INTEGER));
  }
  const sorted = [...groups.values()].sort((a, b) => streamOrder(a.stream, b.stream));
  const troubled = new Set(sorted.map((g) => g.stream));
  const identical = input.outcomes.filter((o) => !troubled.has(o.exchange.s)).length;
  const client =
    input.client === null
      ? null
      : {
          ...input.client,
          exitCodeMatches: input.client.recordedExitCode === input.client.exitCode,
          stdoutMatches: input.client.recordedStdout === input.client.stdout,
        };
  const clean =
    counts.divergences + counts.responseDiffs + counts.unused + counts.escaped === 0 &&
    input.crashed === null &&
    (client === null || (client.exitCodeMatches && client.stdoutMatches));
  return {
    recording: input.recording.path,
    order: input.order,
    seed: input.seed,
    requests: input.neverListened ? input.recording.inbound.length : input.outcomes.length,
    identical,
    counts,
    backgroundUnused,
    groups: sorted,
    client,
    crashed: input.crashed,
    neverListened: input.neverListened,
    durationMs: Math.round(input.durationMs),
    passed: clean,
  };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** A call's arguments in one line: SQL with its parameters, a method and URL, or compact JSON. */
export function describeCall(args: Encoded | undefined): string {
  if (args === undefined) return '';
  if (args !== null && typeof args === 'object' && !Array.isArray(args)) {
    const a = args as Record<string, Encoded>;
    if (typeof a.sql === 'string' || typeof a.text === 'string') {
      const params = a.params ?? a.values;
      const shown =
        params === undefined || (Array.isArray(params) && params.length === 0)
          ? ''
          : ` ${JSON.stringify(params)}`;
      return `${(a.sql ?? a.text) as string}${shown}`;
    }
    if (typeof a.url === 'string') return `${typeof a.method === 'string' ? `${a.method} ` : ''}${a.url}`;
  }
  const text = JSON.stringify(args);
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

function fieldDifferences(recorded: Encoded | undefined, live: Encoded | undefined): string[] {
  const fields = (value: Encoded | undefined): Record<string, Encoded> =>
    value !== null && typeof value === 'object' && !Array.isArray(value) ? value : {};
  const before = fields(recorded);
  const after = fields(live);
  const shown = (value: Encoded | undefined): string => {
    const text = value === undefined ? '(none)' : JSON.stringify(value);
    return text.length > 200 ? `${text.slice(0, 200)}…` : text;
  };
  const out: string[] = [];
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const a = before[key];
    const b = after[key];
    if ((a === undefined ? '' : canonical(a)) !== (b === undefined ? '' : canonical(b)))
      out.push(`      ${key}: ${shown(a)} → ${shown(b)}`);
  }
  return out;
}

const TITLES: Record<DivergenceEvent['type'], string> = {
  'not-recorded': 'call not in the recording',
  'args-differ': 'call differs from the recording',
  unused: 'recorded call never made',
  escaped: 'escaped I/O (not intercepted, blocked)',
};

function formatDivergence(event: DivergenceEvent): string[] {
  const at = event.at ? ` at ${event.at}` : '';
  const lines = [`  ✗ ${TITLES[event.type]}: ${event.kind}${at}`];
  if (event.type === 'args-differ') {
    const recorded = describeCall(event.recorded);
    const replayed = describeCall(event.live);
    lines.push(`      recorded: ${recorded}`, `      replayed: ${replayed}`);
    // Same statement or URL: what differs is elsewhere (a body, a header, a setting).
    if (recorded === replayed) lines.push(...fieldDifferences(event.recorded, event.live));
  } else if (event.type === 'unused') {
    lines.push(`      recorded: ${describeCall(event.recorded)}`);
  } else {
    lines.push(`      replayed: ${describeCall(event.live)}`);
  }
  return lines;
}

function formatResponse(difference: ResponseDifference): string[] {
  const lines = ['  ✗ response differs:'];
  if (difference.status)
    lines.push(`      status: ${difference.status.recorded} → ${difference.status.replayed}`);
  for (const h of difference.headers) {
    lines.push(`      header ${h.name}: ${h.recorded ?? '(missing)'} → ${h.replayed ?? '(missing)'}`);
  }
  for (const line of difference.body) lines.push(`      ${line}`);
  return lines;
}

/** The report as text: a header line of counts, then per request its divergences, first first. */
export function formatReport(report: ReplayReport): string {
  const { counts } = report;
  const out = [
    `replay: ${report.identical}/${report.requests} identical · ${plural(counts.divergences, 'divergence')} · ${plural(counts.responseDiffs, 'response diff')} · ${counts.unused} unused · ${counts.escaped} escaped`,
  ];
  if (report.neverListened) {
    out.push(`the program exited (exit code ${report.crashed}) before it listened: no request was replayed`);
  } else if (report.crashed !== null) {
    out.push(`the program exited during the replay (exit code ${report.crashed})`);
  }
  for (const g of report.groups) {
    out.push(g.request ? `${g.stream} ${g.request.method} ${g.request.url}` : g.stream);
    for (const event of g.divergences) out.push(...formatDivergence(event));
    if (g.response) out.push(...formatResponse(g.response));
    if (g.error) out.push(`  ✗ no response: ${g.error}`);
  }
  if (report.client) {
    const c = report.client;
    if (!c.exitCodeMatches)
      out.push(`exit code: recorded ${c.recordedExitCode ?? '(none)'}, replayed ${c.exitCode}`);
    if (!c.stdoutMatches) {
      const a = c.recordedStdout ?? '';
      let at = 0;
      while (at < a.length && at < c.stdout.length && a[at] === c.stdout[at]) at++;
      const line = a.slice(0, at).split('\n').length;
      out.push(
        `standard output differs from line ${line}: ${JSON.stringify(a.split('\n')[line - 1] ?? '')} → ${JSON.stringify(c.stdout.split('\n')[line - 1] ?? '')}`,
      );
    }
  }
  if (report.backgroundUnused > 0) {
    out.push(
      `note: ${report.backgroundUnused} background call(s) of the recording were not made again (background work follows the wall clock)`,
    );
  }
  if (!report.passed && report.order === 'shuffled' && counts.responseDiffs > 0 && counts.divergences === 0) {
    out.push(
      'hint: responses differ with no divergent I/O; if the program keeps state in memory, replay with --order recorded --concurrency 1',
    );
  }
  return `${out.join('\n')}\n`;
}
