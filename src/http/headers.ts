/** Header names are case-insensitive: find one however the user spelled it. */
export function findHeader(headers: Record<string, string>, lowerName: string): string | undefined {
  for (const key in headers) {
    if (key.length === lowerName.length && key.toLowerCase() === lowerName) return key;
  }
  return undefined;
}

/** Sets a header, replacing it under any other spelling. */
export function setHeader(headers: Record<string, string>, lowerName: string, value: string): void {
  removeHeader(headers, lowerName);
  headers[lowerName] = value;
}

export function removeHeader(headers: Record<string, string>, lowerName: string): void {
  for (let key = findHeader(headers, lowerName); key !== undefined; key = findHeader(headers, lowerName)) {
    delete headers[key];
  }
}

/** A copy of `base` with `extra` applied on top, one spelling per header name. */
export function mergeHeaders(
  base: Record<string, string>,
  extra: Record<string, string>,
): Record<string, string> {
  const merged = { ...base };
  for (const key in extra) {
    const value = extra[key];
    if (value === undefined) continue;
    removeHeader(merged, key.toLowerCase());
    merged[key] = value;
  }
  return merged;
}
