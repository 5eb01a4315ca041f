import { VolleyError } from '../errors.ts';

/** A run setting that is missing or malformed (from a flag, env var, config file or scenario options). Exit 2. */
export class OptionError extends VolleyError {
  override name = 'OptionError';
  override readonly code: string = 'VOLLEY_OPTION';
}
