import { VolleyError } from '../errors.ts';

/** A multi-process run that cannot start (a worker failed to load, speaks another protocol, never came). Exit code 2. */
export class ClusterError extends VolleyError {
  override readonly name = 'ClusterError';
  override readonly code: string = 'VOLLEY_CLUSTER';
}
