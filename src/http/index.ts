/** The HTTP client of volley: what the engine and scripts use. */
export { createHttpClient, type HttpClientOptions } from './client.ts';
export { BodyDiscardedError, RequestFailedError, ResponseNotJsonError } from './errors.ts';
export { UploadFileError } from './multipart.ts';
export {
  loadProto,
  PROTOBUF,
  ProtoCodecError,
  ProtoLoadError,
  type ProtoRoot,
  type ProtoType,
  ProtoTypeNotFoundError,
} from './protobuf.ts';
export { HttpTransport, type HttpTransportOptions } from './transport.ts';
export type {
  Check,
  CheckResult,
  FilePart,
  HttpClient,
  NamedChecks,
  RequestOptions,
  Timings,
  VolleyResponse,
} from './types.ts';
export { InvalidBaseUrlError } from './url.ts';
