import assert from 'node:assert/strict';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, test } from 'node:test';
import { ReportWriteError } from '../../src/report/report-error.ts';
import type { Reporter } from '../../src/report/reporter.ts';
import { ConsoleReporter } from '../../src/report/reporters/console.ts';
import { CsvReporter } from '../../src/report/reporters/csv-reporter.ts';
import { HtmlReporter } from '../../src/report/reporters/html-reporter.ts';
import { JsonReporter } from '../../src/report/reporters/json.ts';
import { JunitReporter } from '../../src/report/reporters/junit.ts';
import { PrometheusExporter } from '../../src/report/reporters/prometheus.ts';
import { smallSnapshot, smallSummary } from './fixtures.ts';
import { tempDir } from './temp-dir.ts';

function terminal(isTTY: boolean) {
  const out = Object.assign(new PassThrough(), { isTTY, columns: 120 });
  out.resume();
  return out;
}

interface Implementation {
  /** A reporter writing under `dir` (a path whose parent is a file, to make writing fail). */
  make(dir: string): Reporter;
  /** The files a whole run leaves in `dir`; null: it writes none. */
  files: string[] | null;
  /** The files the end alone leaves, when fewer (the CSV history grows from the start on). */
  endFiles?: string[];
}

/** Every reporter volley ships. A new reporter gets a row here and passes the same rules. */
const REPORTERS: Record<string, Implementation> = {
  'console (tables)': { make: () => new ConsoleReporter({ out: terminal(false), every: 1 }), files: null },
  'console (live dashboard)': {
    make: () => new ConsoleReporter({ out: terminal(true), dashboard: true }),
    files: null,
  },
  csv: {
    make: (dir) => new CsvReporter({ prefix: join(dir, 'run'), fullHistory: true }),
    files: [
      'run_checks.csv',
      'run_exceptions.csv',
      'run_failures.csv',
      'run_stats.csv',
      'run_stats_history.csv',
    ],
    endFiles: ['run_checks.csv', 'run_exceptions.csv', 'run_failures.csv', 'run_stats.csv'],
  },
  json: { make: (dir) => new JsonReporter({ file: join(dir, 'run.json') }), files: ['run.json'] },
  html: { make: (dir) => new HtmlReporter({ file: join(dir, 'run.html') }), files: ['run.html'] },
  junit: { make: (dir) => new JunitReporter({ file: join(dir, 'run.xml') }), files: ['run.xml'] },
  prometheus: { make: () => new PrometheusExporter({ port: 0 }), files: null },
};

/** A whole run as the engine drives a reporter: start, a few snapshots, the end. */
async function wholeRun(reporter: Reporter): Promise<void> {
  const summary = smallSummary();
  await reporter.onStart?.({
    scenario: summary.meta.scenario,
    host: summary.meta.host,
    plannedDurationSec: 3,
    users: 10,
    startedAt: new Date(summary.meta.startedAt),
  });
  for (let i = 0; i < 3; i++) await reporter.onSnapshot?.(smallSnapshot(1_735_787_050_900 + i * 1000));
  await reporter.onEnd?.(summary);
}

test('every reporter has its own non-empty name (the run reports a failing one by name)', () => {
  const dir = '/nonexistent';
  const names = Object.values(REPORTERS).map((r) => r.make(dir).name);
  assert.ok(names.every((n) => n.length > 0));
  assert.equal(
    new Set(names).size,
    new Set(Object.values(REPORTERS).map((r) => r.make(dir).constructor)).size,
  );
});

for (const [name, impl] of Object.entries(REPORTERS)) {
  describe(`the ${name} reporter`, () => {
    test('goes through a whole run and leaves exactly its files, no temporary one', async () => {
      const dir = await tempDir();
      await wholeRun(impl.make(dir));
      assert.deepEqual((await readdir(dir)).sort(), impl.files ?? []);
    });

    test('reports a run whose start it never saw (the end alone)', async () => {
      const dir = await tempDir();
      await impl.make(dir).onEnd?.(smallSummary());
      assert.deepEqual((await readdir(dir)).sort(), impl.endFiles ?? impl.files ?? []);
    });

    if (impl.files) {
      test('a file it cannot write is a ReportWriteError naming the file, and nothing is left behind', async () => {
        const dir = await tempDir();
        await writeFile(join(dir, 'blocker'), 'a file where a directory should be');
        const reporter = impl.make(join(dir, 'blocker'));
        await assert.rejects(wholeRun(reporter), (error: Error) => {
          assert.ok(error instanceof ReportWriteError, `${error.name}: ${error.message}`);
          assert.match(error.message, /^cannot write report .*blocker\/run/);
          return true;
        });
        assert.deepEqual(await readdir(dir), ['blocker']);
      });
    }
  });
}
