import { VolleyError } from '../errors.ts';

/** A cassette that cannot be read or used, or a record/replay setting that makes no sense: one line for the user. */
export class RecordingError extends VolleyError {
  override readonly name = 'RecordingError';
  override readonly code: string = 'VOLLEY_RECORDING';
}
