import { VolleyError } from '../errors.ts';
import { visibleLines } from '../terminal-text.ts';

/**
 * Says why a command failed and returns its exit code: a VolleyError is the user's to fix (its one-line
 * message, its exit code); anything else is volley's bug (exit 3). The stack only with `verbose`.
 */
export function reportFailure(error: unknown, stderr: NodeJS.WritableStream, verbose: boolean): number {
  const err = error as Error;
  const known = error instanceof VolleyError;
  const message = known ? err.message : `internal error: ${err?.message ?? err}`;
  // Messages quote what the user or a server wrote: a terminal must show it, not act on it.
  stderr.write(`volley: ${visibleLines(message)}\n`);
  if (verbose)
    stderr.write(`${visibleLines((err?.cause as Error | undefined)?.stack ?? err?.stack ?? '')}\n`);
  else if (!known) stderr.write('volley: run again with --verbose for the stack trace\n');
  return known ? error.exitCode : 3;
}
