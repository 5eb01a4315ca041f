import type { CallLine } from './trace-format.ts';
import { canonical, type Encoded } from './typed-json.ts';

/**
 * Where failed set-up calls go (opening a database, preparing a statement): they belong to no request,
 * since a statement cache prepares on whichever request comes first, and that differs in a replay.
 */
export const SETUP_STREAM = 'setup';

/** A recorded call waiting to be made again during replay. */
export interface RecordedCall {
  readonly line: CallLine;
  /** The arguments as comparable text. */
  readonly key: string;
  used: boolean;
}

export type CallMatch =
  | { type: 'match'; call: RecordedCall }
  /** The next call of this kind was expected with other arguments: the live call changed it. */
  | { type: 'args-differ'; recorded: RecordedCall }
  /** Nothing like it was recorded here. */
  | { type: 'not-recorded' };

/** How alike two argument texts are, from 0 to 1: Dice's coefficient over their word tokens. */
export function similarity(a: string, b: string): number {
  const tokens = (text: string): Map<string, number> => {
    const counts = new Map<string, number>();
    for (const [token] of text.toLowerCase().matchAll(/[a-z0-9_]+/g))
      counts.set(token, (counts.get(token) ?? 0) + 1);
    return counts;
  };
  const left = tokens(a);
  const right = tokens(b);
  let shared = 0;
  let total = 0;
  for (const [token, count] of left) {
    shared += Math.min(count, right.get(token) ?? 0);
    total += count;
  }
  for (const count of right.values()) total += count;
  return total === 0 ? 1 : (2 * shared) / total;
}

/** A statement or URL this much like the next expected one is reported as that call changed, not as a new call. */
const CHANGED_CALL_SIMILARITY = 0.5;

/** The field that says what a call does (its SQL, its URL); its other fields are values. */
const PRIMARY_FIELDS = ['sql', 'text', 'url', 'path'];

function primaryText(args: Encoded): string | null {
  if (args === null || typeof args !== 'object' || Array.isArray(args)) return null;
  for (const field of PRIMARY_FIELDS) {
    const value = (args as Record<string, Encoded>)[field];
    if (typeof value === 'string') return value;
  }
  return null;
}

/**
 * Whether a live call is the recorded one changed (same statement with other values, or a statement
 * mostly alike) rather than a call the recording never had.
 */
export function isChangedCall(recorded: Encoded, live: Encoded): boolean {
  const before = primaryText(recorded);
  const after = primaryText(live);
  if (before !== null && after !== null)
    return before === after || similarity(before, after) >= CHANGED_CALL_SIMILARITY;
  return similarity(canonical(recorded), canonical(live)) >= CHANGED_CALL_SIMILARITY;
}

/**
 * The recorded calls of one stream (one inbound request, start-up or background) and the matching rule:
 * a live call takes the first unused recorded call of its kind with the same arguments, wherever it is in
 * the stream (so calls made in another order still match, and a skipped call is left over as never made).
 * A call with no such twin is a divergence — it is never answered with another call's result.
 */
export class StreamCalls {
  readonly #calls: RecordedCall[];

  constructor(lines: readonly CallLine[]) {
    this.#calls = [...lines]
      .sort((a, b) => a.n - b.n)
      .map((line) => ({ line, key: canonical(line.a), used: false }));
  }

  take(kind: string, args: Encoded): CallMatch {
    const key = canonical(args);
    let nextOfKind: RecordedCall | undefined;
    for (const call of this.#calls) {
      if (call.used || call.line.k !== kind) continue;
      nextOfKind ??= call;
      if (call.key === key) {
        call.used = true;
        return { type: 'match', call };
      }
    }
    if (nextOfKind !== undefined && isChangedCall(nextOfKind.line.a, args)) {
      nextOfKind.used = true;
      return { type: 'args-differ', recorded: nextOfKind };
    }
    return { type: 'not-recorded' };
  }

  unused(): RecordedCall[] {
    return this.#calls.filter((call) => !call.used);
  }
}

/** Every stream's calls of one process, built lazily. */
export class ProcessCalls {
  readonly #byStream = new Map<string, CallLine[]>();
  readonly #streams = new Map<string, StreamCalls>();

  constructor(lines: readonly CallLine[]) {
    for (const line of lines) {
      const list = this.#byStream.get(line.s);
      if (list) list.push(line);
      else this.#byStream.set(line.s, [line]);
    }
  }

  stream(id: string): StreamCalls {
    let calls = this.#streams.get(id);
    if (calls === undefined) {
      calls = new StreamCalls(this.#byStream.get(id) ?? []);
      this.#streams.set(id, calls);
    }
    return calls;
  }

  /** Calls never made, per stream (streams never entered count too). */
  /** The recorded failure of a set-up call (opening, preparing) with these arguments, in any stream. */
  setupFailure(kind: string, args: Encoded): CallLine | undefined {
    const key = canonical(args);
    return this.#byStream.get(SETUP_STREAM)?.find((line) => line.k === kind && canonical(line.a) === key);
  }

  unused(): { stream: string; calls: RecordedCall[] }[] {
    const out: { stream: string; calls: RecordedCall[] }[] = [];
    for (const id of this.#byStream.keys()) {
      if (id === SETUP_STREAM) continue;
      const calls = this.stream(id).unused();
      if (calls.length > 0) out.push({ stream: id, calls });
    }
    return out;
  }
}
