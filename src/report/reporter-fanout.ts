import type { RunLogger } from '../log.ts';
import type { Reporter } from './reporter.ts';

type Hook = 'onStart' | 'onSnapshot' | 'onEnd';

/**
 * Calls one hook on every reporter; a reporter that throws is reported once and dropped from that hook.
 * The engine and the coordinator of a multi-process run both drive their reporters through it.
 */
export class ReporterFanout {
  readonly #reporters: readonly Reporter[];
  readonly #log: RunLogger;
  readonly #failed = new Set<string>();

  constructor(reporters: readonly Reporter[], log: RunLogger) {
    this.#reporters = reporters;
    this.#log = log;
  }

  async notify<K extends Hook>(hook: K, arg: Parameters<NonNullable<Reporter[K]>>[0]): Promise<void> {
    for (const reporter of this.#reporters) {
      const fn = reporter[hook] as ((a: typeof arg) => unknown) | undefined;
      const key = `${reporter.name}.${hook}`;
      if (!fn || this.#failed.has(key)) continue;
      try {
        await fn.call(reporter, arg);
      } catch (error) {
        this.#failed.add(key);
        this.#log(
          'error',
          `reporter ${reporter.name} failed in ${hook}: ${(error as Error)?.message ?? error}`,
        );
      }
    }
  }
}
