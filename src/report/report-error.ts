import { VolleyError } from '../errors.ts';

/** A report file could not be written. The message names the file and the operating system's reason. */
export class ReportWriteError extends VolleyError {
  override name = 'ReportWriteError';
  override readonly code: string = 'VOLLEY_REPORT_WRITE';
  /** The report file the user asked for (not the temporary file). */
  readonly path: string;

  constructor(path: string, cause: unknown) {
    super(`cannot write report ${path}: ${describeFsError(cause)}`, { cause });
    this.path = path;
  }
}

/**
 * "not a directory (ENOTDIR)" from Node's "ENOTDIR: not a directory, open '/x/.y.tmp'":
 * the syscall part names our temporary file, which would only confuse the user.
 */
function describeFsError(error: unknown): string {
  if (error instanceof Error) {
    const parsed = /^([A-Z][A-Z0-9_]+): ([^,]+)/.exec(error.message);
    if (parsed) return `${parsed[2]} (${parsed[1]})`;
    return error.message;
  }
  return String(error);
}
