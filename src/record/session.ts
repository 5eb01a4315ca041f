import type { Dispatcher } from 'undici';
import type { RunRecorder } from '../engine/run-plan.ts';
import type { Check, HttpClient, RequestOptions } from '../http/types.ts';
import type { RunLogger } from '../log.ts';
import type { Divergence, RecordedRequest, RecordMode } from '../metrics/recording-summary.ts';
import type { RunSummary } from '../metrics/summary.ts';
import { StopUser } from '../script/control.ts';
import { resetUniqueValues } from '../script/unique.ts';
import { VOLLEY_VERSION } from '../version.ts';
import { entriesByUser, writeHar } from './cassette.ts';
import { installCapture } from './clock-random-capture.ts';
import {
  checkRequest,
  comparableBody,
  comparableUrl,
  formatDivergences,
  recordedRequest,
} from './divergence.ts';
import type { CapturedValue, Har, HarEntry, VolleySection } from './har.ts';
import { findValue, headerList } from './headers.ts';
import { RecordingHandler, requestHeaders, urlOfDispatch } from './recorder.ts';
import { redactEntries } from './redact-entries.ts';
import { type RedactionRules, Redactor } from './redaction.ts';
import { failReplay, serveRecorded } from './replayer.ts';
import { describeBody } from './request-body.ts';
import { RecordedUser, type UserScope, userScope } from './user-scope.ts';

export interface RecordingSessionOptions {
  mode: Exclude<RecordMode, 'passthrough'>;
  /** The HAR file: read for replay and record-missing, written for record and record-missing. */
  file: string;
  /** The recording to replay from (replay, record-missing). */
  cassette: Har | null;
  redaction: RedactionRules;
  /** The run's settings, kept in the volley section. */
  scenario: string;
  host: string;
  users: number;
  iterations: number | null;
  runTimeSec: number | null;
  log: RunLogger;
}

const REQUEST_METHODS = new Set<string | symbol>([
  'get',
  'head',
  'delete',
  'post',
  'put',
  'patch',
  'request',
]);

/**
 * Record/replay for one run (the engine's RunRecorder): records every exchange per virtual user, or answers
 * them from a recording without any network, and captures the time and randomness the scenario reads.
 */
export class RecordingSession implements RunRecorder {
  readonly interceptor: Dispatcher.DispatcherComposeInterceptor;
  readonly #options: RecordingSessionOptions;
  readonly #users = new Map<number, RecordedUser>();
  readonly #expected: Map<number, HarEntry[]>;
  readonly #values: Record<string, CapturedValue[]>;
  readonly #recordedHost: string;
  readonly #wildcard: Redactor;
  readonly #pending = new Set<Promise<void>>();
  readonly #divergences: Divergence[] = [];
  #replayed = 0;
  #recorded = 0;
  #seed = 0;
  #restore: () => void = () => {};

  constructor(options: RecordingSessionOptions) {
    this.#options = options;
    const cassette = options.cassette;
    this.#expected = entriesByUser(cassette?.log.entries ?? []);
    this.#values = cassette?.log._volley?.values ?? {};
    this.#recordedHost = cassette?.log._volley?.host ?? options.host;
    const recordedRules = cassette?.log._volley?.redacted;
    const union = (now: readonly string[], then: readonly string[] | undefined) => [
      ...new Set([...now, ...(then ?? [])]),
    ];
    const rules = options.redaction;
    this.#wildcard = new Redactor(
      {
        names: union(rules.names, recordedRules?.names),
        keep: rules.keep,
        headers: union(rules.headers, recordedRules?.headers),
        jsonPaths: union(rules.jsonPaths, recordedRules?.jsonPaths),
      },
      { wildcard: true },
    );
    this.interceptor = (dispatch) => (opts, handler) => this.#dispatch(dispatch, opts, handler);
  }

  get mode(): RecordingSessionOptions['mode'] {
    return this.#options.mode;
  }

  begin(seed: number): void {
    this.#seed = seed;
    const recordedSeed = this.#options.cassette?.log._volley?.seed;
    if (recordedSeed !== undefined && recordedSeed !== seed) {
      this.#options.log('warn', `replaying with seed ${seed}, the recording used ${recordedSeed}`);
    }
    // Extending a recording: live `unique` values must not repeat the recorded ones (same seed, same token).
    if (this.#options.mode === 'record-missing') resetUniqueValues(seed, 1 + Math.floor(Math.random() * 1e6));
    this.#restore = installCapture();
  }

  #user(id: number): RecordedUser {
    let user = this.#users.get(id);
    if (user === undefined) {
      const values = this.#options.mode === 'record' ? null : (this.#values[String(id)] ?? []);
      user = new RecordedUser(id, this.#expected.get(id) ?? [], values);
      this.#users.set(id, user);
    }
    return user;
  }

  runUser(userId: number, run: () => Promise<void>): Promise<void> {
    return userScope.run({ user: this.#user(userId), capturing: true }, run);
  }

  /**
   * The user's client, running volley's own HTTP code outside the capture (its timers and clocks stay
   * real) and its checks inside; after a divergence the user stops.
   */
  client(userId: number, http: HttpClient): HttpClient {
    const user = this.#user(userId);
    const outside: UserScope = { user, capturing: false };
    const inside: UserScope = { user, capturing: true };
    return new Proxy(http, {
      get(target, key) {
        const value: unknown = Reflect.get(target, key, target);
        if (typeof value !== 'function') return value;
        const method = value as (...args: unknown[]) => unknown;
        if (!REQUEST_METHODS.has(key))
          return (...args: unknown[]) => userScope.run(outside, () => method.apply(target, args));
        return async (...args: unknown[]) => {
          const at = key === 'request' ? 2 : 1;
          const opts = args[at] as RequestOptions | undefined;
          if (opts?.check !== undefined) {
            const inScope =
              (check: Check): Check =>
              (res) =>
                userScope.run(inside, () => check(res));
            const check = opts.check;
            args[at] = {
              ...opts,
              check:
                typeof check === 'function'
                  ? inScope(check)
                  : Object.fromEntries(Object.entries(check).map(([name, named]) => [name, inScope(named)])),
            };
          }
          const response = await userScope.run(outside, () => method.apply(target, args));
          if (user.diverged) throw new StopUser('replay diverged from the recording');
          return response;
        };
      },
    });
  }

  #dispatch(
    dispatch: Dispatcher.Dispatch,
    options: Dispatcher.DispatchOptions,
    handler: Dispatcher.DispatchHandler,
  ): boolean {
    const user = userScope.getStore()?.user;
    if (user === undefined) {
      if (this.#options.mode !== 'replay') return dispatch(options, handler);
      failReplay(handler, 'a request from outside any virtual user cannot be replayed');
      return true;
    }
    const seq = ++user.sent;
    if (this.#options.mode === 'record' || user.live)
      return this.#record(dispatch, options, handler, user, seq);
    const answer = this.#answer(dispatch, options, handler, user, seq).catch((error: unknown) => {
      failReplay(handler, `replay failed: ${(error as Error)?.message ?? error}`);
    });
    this.#pending.add(answer);
    void answer.finally(() => this.#pending.delete(answer));
    return true;
  }

  #record(
    dispatch: Dispatcher.Dispatch,
    options: Dispatcher.DispatchOptions,
    handler: Dispatcher.DispatchHandler,
    user: RecordedUser,
    seq: number,
  ): boolean {
    const recording = new RecordingHandler(handler, options, user.id, seq);
    user.entries.push(recording.entry);
    this.#recorded += 1;
    return dispatch(options, recording);
  }

  async #answer(
    dispatch: Dispatcher.Dispatch,
    options: Dispatcher.DispatchOptions,
    handler: Dispatcher.DispatchHandler,
    user: RecordedUser,
    seq: number,
  ): Promise<void> {
    if (user.diverged) {
      failReplay(handler, 'replay stopped at this user’s divergence');
      return;
    }
    const entry = user.expected[seq - 1] ?? null;
    const actual = await this.#actual(options);
    const expected = entry === null ? null : recordedRequest(entry, this.#wildcard);
    const divergence = checkRequest(user.id, seq, expected, actual, this.#recordedHost);
    if (divergence === null && entry !== null) {
      this.#replayed += 1;
      user.entries.push(Promise.resolve(entry));
      serveRecorded(entry, handler);
      return;
    }
    if (this.#options.mode === 'record-missing') {
      user.live = true;
      this.#record(dispatch, options, handler, user, seq);
      return;
    }
    user.diverged = true;
    if (divergence !== null) this.#divergences.push(divergence);
    failReplay(handler, `replay diverged: ${divergence?.message ?? 'not recorded'}`);
  }

  /** The request as compared with the recording: on the recorded host, body redacted like the recording. */
  async #actual(options: Dispatcher.DispatchOptions): Promise<RecordedRequest> {
    let url = urlOfDispatch(options);
    const host = this.#options.host;
    if (host !== '' && host !== this.#recordedHost && url.startsWith(host)) {
      url = this.#recordedHost + url.slice(host.length);
    }
    const headers = headerList(requestHeaders(options));
    const body = await describeBody(options.body, findValue(headers, 'content-type'));
    const text = body?.postData.text;
    const mimeType = body?.postData.mimeType ?? '';
    // Learns every secret the request sends by name, to wildcard it wherever else the request sends it.
    this.#wildcard.headers(headers);
    this.#wildcard.url(url);
    if (text !== undefined) this.#wildcard.body(text, mimeType);
    return {
      method: options.method,
      url: comparableUrl(url, this.#wildcard),
      body: text === undefined ? '' : comparableBody(text, mimeType, this.#wildcard),
    };
  }

  async end(summary: RunSummary): Promise<void> {
    this.#restore();
    await Promise.allSettled([...this.#pending]);
    const { mode, file, log } = this.#options;
    const users = [...this.#users.values()].sort((a, b) => a.id - b.id);
    let used = 0;
    for (const user of users) used += Math.min(user.sent, user.expected.length);
    let expectedTotal = 0;
    for (const list of this.#expected.values()) expectedTotal += list.length;
    if (mode !== 'replay') {
      const entries: HarEntry[] = [];
      for (const user of users) {
        for (const settled of await Promise.allSettled(user.entries)) {
          if (settled.status === 'fulfilled') entries.push(settled.value);
        }
      }
      const values: Record<string, CapturedValue[]> = {};
      for (const user of users) values[String(user.id)] = user.tape.values;
      try {
        await writeHar(file, this.#har(entries, values));
        log('info', `recorded ${entries.length} exchange${entries.length === 1 ? '' : 's'} to ${file}`);
      } catch (error) {
        // The run itself went fine: say so and fail it, rather than lose every other report.
        log('error', `recording not written: ${(error as Error)?.message ?? error}`);
        summary.passed = false;
        if (summary.exitCode === 0) summary.exitCode = 1;
      }
    }
    if (this.#divergences.length > 0) {
      this.#divergences.sort((a, b) => a.userId - b.userId);
      log('error', formatDivergences(this.#divergences));
      summary.passed = false;
      if (summary.exitCode === 0) summary.exitCode = 1;
    }
    summary.recording = {
      mode,
      file,
      replayed: this.#replayed,
      recorded: this.#recorded,
      unused: Math.max(0, expectedTotal - used),
      divergences: this.#divergences,
    };
  }

  #har(entries: HarEntry[], values: Record<string, CapturedValue[]>): Har {
    const o = this.#options;
    const redactor = new Redactor(o.redaction);
    const volley: VolleySection = {
      version: VOLLEY_VERSION,
      scenario: o.scenario,
      host: o.host,
      seed: this.#seed,
      users: o.users,
      iterations: o.iterations,
      runTimeSec: o.runTimeSec,
      redacted: {
        names: [...o.redaction.names],
        keep: [...o.redaction.keep],
        headers: [...o.redaction.headers],
        jsonPaths: [...o.redaction.jsonPaths],
      },
      values,
    };
    return {
      log: {
        version: '1.2',
        creator: { name: 'volley', version: VOLLEY_VERSION },
        entries: redactEntries(entries, redactor, this.#options.cassette),
        comment: `volley ${o.mode} of ${o.scenario}`,
        _volley: volley,
      },
    };
  }
}
