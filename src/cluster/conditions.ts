import { ClusterError } from './cluster-error.ts';

/**
 * Waits on conditions over the coordinator's state: each `until` resolves once its condition holds,
 * re-checked at every `changed()` (after each message from a worker, a close, a stop).
 */
export class Conditions {
  #wake: () => void = () => {};

  /** Something changed: re-check every waiting condition. */
  changed(): void {
    this.#wake();
  }

  /** Resolves once `condition` holds; rejects with a ClusterError after `timeoutMs`, if given. */
  until(condition: () => boolean, timeoutMs?: number, timeoutMessage?: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const previous = this.#wake;
      let timer: NodeJS.Timeout | undefined;
      const check = () => {
        if (!condition()) return;
        if (timer) clearTimeout(timer);
        resolve();
      };
      this.#wake = () => {
        previous();
        check();
      };
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => reject(new ClusterError(timeoutMessage ?? 'timed out')), timeoutMs);
      }
      check();
    });
  }
}
