import type { RunSummary } from '../../metrics/summary.ts';
import { writeFileAtomic } from '../atomic-write.ts';
import type { Reporter } from '../reporter.ts';

export interface JsonReporterOptions {
  /** --json-file PATH (placeholders already expanded). */
  file: string;
}

/** The RunSummary as JSON (schema: docs/json-schema.md), written atomically when the run ends. */
export class JsonReporter implements Reporter {
  readonly name = 'json';
  readonly #file: string;

  constructor(options: JsonReporterOptions) {
    this.#file = options.file;
  }

  async onEnd(summary: RunSummary): Promise<void> {
    await writeFileAtomic(this.#file, renderJsonSummary(summary));
  }
}

/** Two-space indent and a trailing newline, so the file diffs and `cat`s cleanly. */
export function renderJsonSummary(summary: RunSummary): string {
  return `${JSON.stringify(summary, null, 2)}\n`;
}
