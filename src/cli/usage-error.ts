import { VolleyError } from '../errors.ts';

/** Wrong command-line usage: unknown flag or command, missing argument. Exit code 2. */
export class UsageError extends VolleyError {
  override name = 'UsageError';
  override readonly code: string = 'VOLLEY_USAGE';
}
