import { createRequire } from 'node:module';
import type * as protobuf from 'protobufjs';

// Loaded on first use: most scenarios never touch Protocol Buffers, and protobufjs adds to every start-up.
let protobufjs: typeof protobuf | null = null;
function loadProtobufjs(): typeof protobuf {
  protobufjs ??= createRequire(import.meta.url)('protobufjs') as typeof protobuf;
  return protobufjs;
}

/**
 * Protocol Buffers bodies.
 *
 *   const api = loadProto('proto/api.proto');
 *   const User = api.type('demo.User');
 *   const res = await http.post('/users', { body: User.encode({ name: 'ann' }), headers: { 'content-type': PROTOBUF } });
 *   const user = User.decode(res.bytes());
 */
export const PROTOBUF = 'application/x-protobuf';

export interface ProtoType {
  /** The fully qualified name, e.g. `demo.User`. */
  readonly name: string;
  /** Encodes a plain object; enum names, longs as strings and base64 for bytes are accepted. */
  encode(message: Record<string, unknown>): Uint8Array;
  /** Decodes to a plain object: every field present (defaults filled in), 64-bit ints as strings, enums by name, bytes as Buffer. */
  decode(bytes: Uint8Array): Record<string, unknown>;
}

export interface ProtoRoot {
  /** A message type by fully qualified name, or by its simple name when only one type has it. */
  type(name: string): ProtoType;
  /** Every message type defined, fully qualified. */
  readonly typeNames: readonly string[];
}

export class ProtoLoadError extends Error {
  override readonly name = 'ProtoLoadError';

  constructor(paths: readonly string[], cause: unknown) {
    super(`cannot load ${paths.join(', ')}: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
  }
}

export class ProtoTypeNotFoundError extends Error {
  override readonly name = 'ProtoTypeNotFoundError';

  constructor(name: string, available: readonly string[]) {
    const list = available.length === 0 ? 'none' : available.join(', ');
    super(`no protobuf message type ${JSON.stringify(name)}; available: ${list}`);
  }
}

export class ProtoCodecError extends Error {
  override readonly name = 'ProtoCodecError';

  constructor(action: 'encode' | 'decode', typeName: string, cause: unknown) {
    super(`cannot ${action} ${typeName}: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
  }
}

const DECODE_OPTIONS: protobuf.IConversionOptions = {
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
};

/** Loads .proto files (and their imports) synchronously: done once, when the scenario is loaded. */
export function loadProto(paths: string | string[]): ProtoRoot {
  const list = typeof paths === 'string' ? [paths] : paths;
  let root: protobuf.Root;
  try {
    // keepCase: fields keep the names written in the .proto (photo_data, not photoData), as other tools use them.
    root = new (loadProtobufjs().Root)().loadSync(list, { keepCase: true });
    root.resolveAll();
  } catch (error) {
    throw new ProtoLoadError(list, error);
  }
  return new LoadedProtoRoot(root);
}

class LoadedProtoRoot implements ProtoRoot {
  readonly typeNames: readonly string[];
  readonly #types = new Map<string, protobuf.Type>();
  readonly #wrapped = new Map<string, ProtoType>();

  constructor(root: protobuf.Root) {
    collectTypes(root, this.#types);
    this.typeNames = [...this.#types.keys()].sort();
  }

  type(name: string): ProtoType {
    let wrapped = this.#wrapped.get(name);
    if (wrapped === undefined) {
      wrapped = new ReflectedProtoType(this.#find(name));
      this.#wrapped.set(name, wrapped);
    }
    return wrapped;
  }

  #find(name: string): protobuf.Type {
    const qualified = name.startsWith('.') ? name.slice(1) : name;
    const exact = this.#types.get(qualified);
    if (exact !== undefined) return exact;
    const bySimpleName = [...this.#types.values()].filter((t) => t.name === qualified);
    const only = bySimpleName[0];
    if (bySimpleName.length === 1 && only !== undefined) return only;
    throw new ProtoTypeNotFoundError(name, this.typeNames);
  }
}

class ReflectedProtoType implements ProtoType {
  readonly name: string;
  readonly #type: protobuf.Type;

  constructor(type: protobuf.Type) {
    this.#type = type;
    this.name = qualifiedName(type);
  }

  encode(message: Record<string, unknown>): Uint8Array {
    // fromObject drops unknown keys silently; a misspelt field would vanish from the request.
    for (const key of Object.keys(message)) {
      if (!(key in this.#type.fields)) {
        throw new ProtoCodecError(
          'encode',
          this.name,
          new Error(`unknown field "${key}" (fields: ${Object.keys(this.#type.fields).join(', ')})`),
        );
      }
    }
    try {
      return this.#type.encode(this.#type.fromObject(message)).finish();
    } catch (error) {
      throw new ProtoCodecError('encode', this.name, error);
    }
  }

  decode(bytes: Uint8Array): Record<string, unknown> {
    try {
      return this.#type.toObject(this.#type.decode(bytes), DECODE_OPTIONS);
    } catch (error) {
      throw new ProtoCodecError('decode', this.name, error);
    }
  }
}

function qualifiedName(type: protobuf.ReflectionObject): string {
  return type.fullName.startsWith('.') ? type.fullName.slice(1) : type.fullName;
}

function collectTypes(namespace: protobuf.NamespaceBase, into: Map<string, protobuf.Type>): void {
  const { Namespace, Type } = loadProtobufjs();
  for (const nested of namespace.nestedArray) {
    if (nested instanceof Type) into.set(qualifiedName(nested), nested);
    if (nested instanceof Namespace || nested instanceof Type) collectTypes(nested, into);
  }
}
