import { fileURLToPath } from 'node:url';

const TRACE_DIR = fileURLToPath(new URL('.', import.meta.url));

/** Frames that are not the application's own code: Node's internals, volley, and the libraries it intercepts. */
const NOT_APPLICATION =
  /(?:\(|\s|^)node:|[\\/]node_modules[\\/](?:pg|pg-pool|pg-protocol|pg-types|undici|better-sqlite3)[\\/]/;

function frames(skip: ((...args: never) => unknown) | undefined, limit: number): string[] {
  const saved = Error.stackTraceLimit;
  Error.stackTraceLimit = limit;
  const holder: { stack?: string } = {};
  Error.captureStackTrace(holder, skip);
  Error.stackTraceLimit = saved;
  return (holder.stack ?? '').split('\n').slice(1);
}

function isApplicationFrame(frame: string): boolean {
  return !frame.includes(TRACE_DIR) && !NOT_APPLICATION.test(frame);
}

/** The first application frame of the current stack, as `file:line:column` (relative to the cwd). */
export function appLocation(): string | undefined {
  for (const frame of frames(appLocation, 40)) {
    if (!isApplicationFrame(frame)) continue;
    const match = /\(?((?:file:\/\/)?[^()\s]+:\d+:\d+)\)?\s*$/.exec(frame);
    if (match === null) continue;
    let where = match[1] as string;
    if (where.startsWith('file://'))
      where = fileURLToPath(where.replace(/:\d+:\d+$/, '')) + where.match(/:\d+:\d+$/)?.[0];
    const cwd = `${process.cwd()}/`;
    return where.startsWith(cwd) ? where.slice(cwd.length) : where;
  }
  return undefined;
}
