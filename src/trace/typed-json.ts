/**
 * JSON that keeps the types a recording must give back unchanged: bigint, bytes (Buffer or Uint8Array),
 * Date, undefined, NaN, ±Infinity, -0 and errors. A tagged value is an object whose only key is `$t`-led
 * (`{"$t":"bigint","v":"12"}`); a plain object that happens to have a `$t` key is wrapped as `{"$t":"obj"}`
 * so decoding never mistakes data for a tag.
 */

export type Encoded = null | boolean | number | string | Encoded[] | { [key: string]: Encoded };

export interface EncodedError {
  name: string;
  message: string;
  /** The error's own enumerable properties (pg's `code`, `detail`, `constraint`; node's `errno`, `syscall`). */
  props: Record<string, Encoded>;
}

/** Turns a decoded error record back into an Error, keeping its name, message and properties. */
export type ErrorFactory = (record: EncodedError) => Error;

const defaultErrorFactory: ErrorFactory = ({ name, message, props }) => {
  const error = new Error(message);
  Object.defineProperty(error, 'name', { value: name, writable: true, configurable: true });
  Object.assign(error, props);
  return error;
};

function encodeObject(value: object, seen: Set<object>): Encoded {
  if (seen.has(value)) return { $t: 'cycle' };
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => encode(item, seen));
    const out: Record<string, Encoded> = {};
    for (const [key, item] of Object.entries(value)) {
      if (typeof item === 'function' || typeof item === 'symbol') continue;
      out[key] = encode(item, seen);
    }
    return '$t' in out ? { $t: 'obj', v: out } : out;
  } finally {
    seen.delete(value);
  }
}

export function encodeError(error: unknown): EncodedError {
  if (!(error instanceof Error))
    return { name: 'Error', message: String(error), props: { thrown: encode(error) } };
  const props: Record<string, Encoded> = {};
  for (const [key, item] of Object.entries(error)) {
    if (key === 'stack' || typeof item === 'function') continue;
    props[key] = encode(item);
  }
  return { name: error.name, message: error.message, props };
}

/**
 * Whether a value is already plain JSON that decodes to itself (strings, finite numbers other than -0,
 * booleans, null, arrays and objects of those without a `$t` key): most rows are, and are written as they
 * are, without building a copy.
 */
function isPlainJson(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0);
    case 'object': {
      if (value === null) return true;
      if (depth > 32) return false;
      if (Array.isArray(value)) {
        for (const item of value) if (!isPlainJson(item, depth + 1)) return false;
        return true;
      }
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return false;
      for (const key in value) {
        if (key === '$t' || !isPlainJson((value as Record<string, unknown>)[key], depth + 1)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

export function encode(value: unknown, seen?: Set<object>): Encoded {
  if (seen === undefined) {
    if (isPlainJson(value, 0)) return value as Encoded;
    seen = new Set<object>();
  }
  switch (typeof value) {
    case 'undefined':
      return { $t: 'undef' };
    case 'bigint':
      return { $t: 'bigint', v: value.toString() };
    case 'number':
      if (Number.isNaN(value)) return { $t: 'num', v: 'NaN' };
      if (!Number.isFinite(value)) return { $t: 'num', v: value > 0 ? 'Infinity' : '-Infinity' };
      if (Object.is(value, -0)) return { $t: 'num', v: '-0' };
      return value;
    case 'string':
    case 'boolean':
      return value;
    case 'function':
    case 'symbol':
      return { $t: 'undef' };
  }
  if (value === null) return null;
  if (Buffer.isBuffer(value)) return { $t: 'buf', v: value.toString('base64') };
  if (value instanceof Uint8Array) return { $t: 'u8', v: Buffer.from(value).toString('base64') };
  if (value instanceof Date)
    return { $t: 'date', v: Number.isNaN(value.getTime()) ? 'Invalid' : value.toISOString() };
  if (value instanceof Error) return { $t: 'err', v: encodeError(value) as unknown as Encoded };
  return encodeObject(value as object, seen);
}

/** A cell of a row set: plain JSON as it is, anything else (bytes, bigint, NaN, -0) tagged. */
function encodeCell(cell: unknown): Encoded {
  if (cell === null || typeof cell === 'string' || typeof cell === 'boolean') return cell;
  if (typeof cell === 'number' && Number.isFinite(cell) && !Object.is(cell, -0)) return cell;
  return encode(cell);
}

/**
 * Rows that all have the same columns (a SQL result), as `{"$t":"rows","c":[columns],"v":[[cells]]}`:
 * each column's name once instead of once per row. Database drivers hand rows out as objects in
 * dictionary mode, which JSON.stringify and key walks handle slowly; reading them by a known column list
 * is several times cheaper, and the text is shorter.
 */
export function encodeRowSet(rows: readonly object[]): Encoded {
  const first = rows[0];
  if (first === undefined) return [];
  const columns = Object.keys(first);
  const width = columns.length;
  const values: Encoded[][] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as Record<string, unknown>;
    const cells: Encoded[] = new Array(width);
    for (let j = 0; j < width; j++) cells[j] = encodeCell(row[columns[j] as string]);
    values[i] = cells;
  }
  return { $t: 'rows', c: columns, v: values };
}

/** A row set back as objects, each cell still encoded (what `encode` would have made of the rows). */
export function rowSetObjects(value: { c: Encoded; v: Encoded }): Record<string, Encoded>[] {
  const columns = value.c as string[];
  return (value.v as Encoded[][]).map((cells) => {
    const row: Record<string, Encoded> = {};
    for (let i = 0; i < columns.length; i++) row[columns[i] as string] = cells[i] as Encoded;
    return row;
  });
}

/** Whether an encoded value is a row set. */
export function isRowSet(value: Encoded | undefined): value is { $t: 'rows'; c: Encoded; v: Encoded } {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && value.$t === 'rows';
}

function decodeTagged(tag: string, payload: Encoded | undefined, errors: ErrorFactory): unknown {
  switch (tag) {
    case 'undef':
      return undefined;
    case 'bigint':
      return BigInt(payload as string);
    case 'num':
      return payload === '-0' ? -0 : Number(payload);
    case 'buf':
      return Buffer.from(payload as string, 'base64');
    case 'u8':
      return new Uint8Array(Buffer.from(payload as string, 'base64'));
    case 'date':
      return new Date(payload === 'Invalid' ? Number.NaN : (payload as string));
    case 'err':
      return decodeError(payload as unknown as EncodedError, errors);
    case 'obj':
      return decodePlain(payload as Record<string, Encoded>, errors);
    case 'cycle':
      return undefined;
    default:
      throw new Error(`unknown value tag "${tag}"`);
  }
}

function decodePlain(value: Record<string, Encoded>, errors: ErrorFactory): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = decode(item, errors);
  return out;
}

export function decode(value: Encoded, errors: ErrorFactory = defaultErrorFactory): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => decode(item, errors));
  const tag = value.$t;
  if (tag === 'rows')
    return rowSetObjects(value as { c: Encoded; v: Encoded }).map((row) => decode(row, errors));
  if (typeof tag === 'string') return decodeTagged(tag, value.v, errors);
  return decodePlain(value, errors);
}

export function decodeError(record: EncodedError, errors: ErrorFactory = defaultErrorFactory): Error {
  const props = decodePlain(record.props, errors) as Record<string, Encoded>;
  return errors({ name: record.name, message: record.message, props });
}

/** A stable text of an encoded value (object keys sorted), for comparing arguments. */
export function canonical(value: Encoded): string {
  return JSON.stringify(value, (_key, item: Encoded) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) return item;
    const sorted: Record<string, Encoded> = {};
    for (const key of Object.keys(item).sort()) sorted[key] = item[key] as Encoded;
    return sorted;
  });
}
