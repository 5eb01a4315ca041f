/** volley's scripting API: what scenario files import from 'volley'. */

export { VolleyError } from './errors.ts';
export { RequestFailedError, ResponseNotJsonError } from './http/errors.ts';
export { loadProto, PROTOBUF, type ProtoRoot, type ProtoType } from './http/protobuf.ts';
export type {
  Check,
  CheckResult,
  FilePart,
  HttpClient,
  NamedChecks,
  RequestOptions,
  Timings,
  VolleyResponse,
} from './http/types.ts';
export { harPlayback, type PlaybackFilter, type PlaybackOptions } from './record/har-playback.ts';
export { basicAuth, bearer } from './script/auth.ts';
export { EndTask, StopUser } from './script/control.ts';
export { type Feeder, type FeederMode, type FeederOptions, feeder } from './script/feeder.ts';
export type { LoadShape, ShapeTick, StageOption, VolleyOptions } from './script/options.ts';
export { unique } from './script/unique.ts';
export {
  ScenarioDefinitionError,
  type TaskDef,
  type TaskFn,
  type TaskOptions,
  task,
  type UserClass,
  type UserOptions,
  user,
} from './script/user.ts';
export type { VirtualUser, VuLogger } from './script/vu.ts';
export { between, constant, constantPacing, constantThroughput, type WaitTime } from './script/wait.ts';
