/** A multi-process run that cannot start (a worker failed to load, speaks another protocol, never came). Exit code 2. */
export class ClusterError extends Error {
  override readonly name = 'ClusterError';
}
