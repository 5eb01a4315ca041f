/**
 * The base of every error volley reports to its user as one line: a bad flag, setting, scenario, report
 * path… The CLI prints its message without a stack trace and exits with its `exitCode`. Imports nothing,
 * so any layer can extend it.
 */
export abstract class VolleyError extends Error {
  /** Stable name for programs and tests, e.g. "VOLLEY_USAGE"; unlike the message, it never changes. */
  abstract readonly code: string;
  /** What the CLI exits with when this error ends a command: 2, something the user must fix. */
  readonly exitCode: number = 2;
}
