/** What record/replay adds to the run summary (`recording` in the JSON report). */

export type RecordMode = 'record' | 'replay' | 'record-missing' | 'passthrough';

export interface RecordedRequest {
  method: string;
  url: string;
  /** The body as compared (secrets redacted); empty without a body. */
  body: string;
}

/** The first request of a user that did not match the recording; that user stopped there. */
export interface Divergence {
  userId: number;
  /** The user's request number, from 1 (redirect hops count). */
  request: number;
  /** null: the user sent more requests than were recorded. */
  expected: RecordedRequest | null;
  actual: RecordedRequest;
  /** What differs, one line each: "method", "url", body paths or text. */
  diff: string[];
  /** The whole report line, e.g. `user 2, request #5: expected POST /students … got …`. */
  message: string;
}

export interface RecordingSummary {
  mode: RecordMode;
  file: string;
  /** Exchanges answered from the cassette. */
  replayed: number;
  /** Exchanges that went to the network and were recorded. */
  recorded: number;
  /** Recorded exchanges the replay did not ask for (users that stopped earlier, time-bound recordings). */
  unused: number;
  divergences: Divergence[];
}
