import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { type Fields, readFields } from './body-fields.ts';
import { badRequest, HttpError } from './http-error.ts';
import type { RequestContext } from './router.ts';

/** proto/platform.proto at the package root (same relative place from src/demo and dist/demo). */
export const PLATFORM_PROTO_PATH = fileURLToPath(new URL('../../proto/platform.proto', import.meta.url));

const MESSAGE_NAMES = [
  'PhotoMessage',
  'ModifyFoodRecordRequest',
  'ManualWeightRequest',
  'DeleteFoodRequest',
  'SetLanguageRequest',
  'GetAlcoholRangeRequest',
  'RecommendationRequest',
  'CustomDateFoodRequest',
  'FeedbackRequest',
  'AuthRequest',
  'TodayFood',
  'PhotoResponse',
  'ModifyFoodRecordResponse',
  'OperationResponse',
  'RecommendationResponse',
  'AlcoholLatestResponse',
  'AlcoholRangeResponse',
  'AuthResponse',
] as const;

export type PlatformMessageName = (typeof MESSAGE_NAMES)[number];
export type PlatformTypes = Readonly<Record<PlatformMessageName, protobuf.Type>>;

/** Loads the platform messages with the .proto field names kept as written (snake_case and camelCase). */
export function loadPlatformTypes(path = PLATFORM_PROTO_PATH): PlatformTypes {
  const root = new protobuf.Root().loadSync(path, { keepCase: true });
  const types: Partial<Record<PlatformMessageName, protobuf.Type>> = {};
  for (const name of MESSAGE_NAMES) types[name] = root.lookupType(`volley.demo.${name}`);
  return types as PlatformTypes;
}

const TO_OBJECT: protobuf.IConversionOptions = { longs: Number, defaults: true, arrays: true };

/**
 * The request body as a `type` message, every field present (proto3 defaults for unset ones): a protobuf
 * body, or a JSON object with the .proto field names (bytes as base64). An empty body is all defaults.
 */
export function readMessage(ctx: RequestContext, type: protobuf.Type): Fields {
  if (ctx.bodyFormat === 'protobuf') {
    let decoded: protobuf.Message;
    try {
      decoded = type.decode(ctx.body);
    } catch {
      throw badRequest(`body is not a valid ${type.name} protobuf message`);
    }
    return type.toObject(decoded, TO_OBJECT);
  }
  if (ctx.bodyFormat === 'json' || ctx.bodyFormat === 'none') {
    const fields = readFields(ctx);
    const problem = type.verify(fields);
    if (problem !== null) throw badRequest(`invalid ${type.name}: ${problem}`);
    return type.toObject(type.fromObject(fields), TO_OBJECT);
  }
  throw new HttpError(
    415,
    `unsupported Content-Type ${JSON.stringify(ctx.headers['content-type'] ?? '')}: send application/x-protobuf (or application/protobuf, application/grpc+proto) or application/json`,
  );
}
