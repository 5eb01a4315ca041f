import type { SerializedRunStats } from './serialized-stats.ts';

/**
 * Where the HTTP client and the engine put what they measure. Implemented by `RunStats`.
 * Hot path: called once per request; implementations record in place and never allocate per call
 * beyond the first sight of a (method, name) pair.
 */
export interface SampleSink {
  /**
   * One request. `error` is null on success, else the failure message grouped in the failures table.
   * `responseTimeMs` may be fractional.
   */
  request(
    method: string,
    name: string,
    responseTimeMs: number,
    contentBytes: number,
    error: string | null,
  ): void;
  /**
   * One named check of a request, before that request's own sample: `check` is its name, `method` and
   * `name` the request's endpoint. Optional: a sink without it ignores checks.
   */
  check?(method: string, name: string, check: string, passed: boolean): void;
  /** Something a task threw (other than volley's own control-flow signals). */
  exception(error: unknown): void;
  /**
   * A multi-process run: an extra sink gets no samples, but what each worker recorded since its previous
   * report, once the coordinator merged it. Optional: a sink without it sees nothing of such a run.
   */
  merge?(stats: SerializedRunStats): void;
}
