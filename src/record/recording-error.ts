/** A cassette that cannot be read or used, or a record/replay setting that makes no sense: one line for the user. */
export class RecordingError extends Error {
  override readonly name = 'RecordingError';
}
