/**
 * HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/) as volley writes and reads it, plus volley's own
 * fields: custom fields start with an underscore, so browser dev tools and HAR viewers ignore them.
 */

export interface HarNameValue {
  name: string;
  value: string;
}

export interface HarCookie {
  name: string;
  value: string;
  path?: string;
  domain?: string;
  expires?: string;
  httpOnly?: boolean;
  secure?: boolean;
}

export interface HarPostParam {
  name: string;
  value?: string;
  fileName?: string;
  contentType?: string;
}

export interface HarPostData {
  mimeType: string;
  text?: string;
  params?: HarPostParam[];
  /** `volley capture`: only the body's first bytes were kept (see request.bodySize for its size). */
  _truncated?: boolean;
}

export interface HarRequest {
  method: string;
  url: string;
  httpVersion: string;
  cookies: HarCookie[];
  headers: HarNameValue[];
  queryString: HarNameValue[];
  postData?: HarPostData;
  headersSize: number;
  bodySize: number;
}

export interface HarContent {
  size: number;
  mimeType: string;
  text?: string;
  encoding?: 'base64';
}

export interface HarResponse {
  status: number;
  statusText: string;
  httpVersion: string;
  cookies: HarCookie[];
  headers: HarNameValue[];
  content: HarContent;
  redirectURL: string;
  headersSize: number;
  bodySize: number;
  /** Set when no complete response arrived (status 0): the network error. */
  _error?: string;
}

export interface HarTimings {
  blocked?: number;
  dns?: number;
  connect?: number;
  ssl?: number;
  send: number;
  wait: number;
  receive: number;
}

export interface HarEntry {
  pageref?: string;
  startedDateTime: string;
  time: number;
  request: HarRequest;
  response: HarResponse;
  cache: Record<string, never>;
  timings: HarTimings;
  serverIPAddress?: string;
  connection?: string;
  comment?: string;
  /** The virtual user that sent it (volley recordings only). */
  _userId?: number;
  /** Its position among that user's requests, from 1 (redirect hops count). */
  _seq?: number;
  /** Resource type as browsers record it ("xhr", "fetch", "document", "script"…). */
  _resourceType?: string;
  /** `volley capture`: requests in flight at the proxy when this one arrived, itself included. */
  _inFlight?: number;
}

/** One value of time or randomness a scenario read, in the order it read them. */
export type CapturedKind = 'now' | 'date' | 'perf' | 'random' | 'uuid' | 'bytes' | 'unique';
export interface CapturedValue {
  k: CapturedKind;
  v: number | string;
}

/** What volley needs besides the exchanges to replay a run. */
export interface VolleySection {
  version: string;
  scenario: string;
  host: string;
  seed: number;
  users: number;
  iterations: number | null;
  runTimeSec: number | null;
  /**
   * The rules by which values were replaced by placeholders (`__REDACTED_N__`; `<redacted:N>` before).
   * Recordings made before name patterns have no `names` and `keep`.
   */
  redacted: { names?: string[]; keep?: string[]; headers: string[]; jsonPaths: string[] };
  /** Per user id: the time and randomness values its scenario code read. */
  values: Record<string, CapturedValue[]>;
}

export interface HarLog {
  version: string;
  creator: { name: string; version: string; comment?: string };
  browser?: { name: string; version: string };
  pages?: unknown[];
  entries: HarEntry[];
  comment?: string;
  _volley?: VolleySection;
}

export interface Har {
  log: HarLog;
}
