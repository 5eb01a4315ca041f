/** A trace recording that cannot be read or used, or a trace setting that makes no sense: one line for the user. */
export class TraceError extends Error {
  override readonly name = 'TraceError';
}
