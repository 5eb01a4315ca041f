/** A run setting that is missing or malformed (from a flag, env var, config file or scenario options). Exit 2. */
export class OptionError extends Error {
  override name = 'OptionError';
}
