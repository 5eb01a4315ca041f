import { VolleyError } from '../errors.ts';

/** A trace recording that cannot be read or used, or a trace setting that makes no sense: one line for the user. */
export class TraceError extends VolleyError {
  override readonly name = 'TraceError';
  override readonly code: string = 'VOLLEY_TRACE';
}
