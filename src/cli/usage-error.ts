/** Wrong command-line usage: unknown flag or command, missing argument. Exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
