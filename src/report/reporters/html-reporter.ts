import type { RunSummary, StatsSnapshot } from '../../metrics/summary.ts';
import { writeFileAtomic } from '../atomic-write.ts';
import { renderHtmlReport } from '../render/html-report.ts';
import { RunTimeline } from '../render/timeline.ts';
import { loadChartAssets } from '../render/uplot-assets.ts';
import type { Reporter } from '../reporter.ts';

export interface HtmlReporterOptions {
  /** --html FILE (placeholders already expanded). */
  file: string;
  /** Most chart points kept (memory stays bounded on long runs). Default 1200. */
  maxChartPoints?: number;
}

/** Collects the per-second snapshots for the charts; writes one self-contained HTML file when the run ends. */
export class HtmlReporter implements Reporter {
  readonly name = 'html';
  readonly #file: string;
  readonly #timeline: RunTimeline;

  constructor(options: HtmlReporterOptions) {
    this.#file = options.file;
    this.#timeline = new RunTimeline(options.maxChartPoints);
  }

  onSnapshot(snapshot: StatsSnapshot): void {
    this.#timeline.add(snapshot);
  }

  async onEnd(summary: RunSummary): Promise<void> {
    const html = renderHtmlReport(summary, this.#timeline.data(), await loadChartAssets());
    await writeFileAtomic(this.#file, html);
  }
}
