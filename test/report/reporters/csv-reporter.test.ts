import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { ReportWriteError } from '../../../src/report/report-error.ts';
import { CsvReporter } from '../../../src/report/reporters/csv-reporter.ts';
import { smallSnapshot, smallSummary } from '../fixtures.ts';
import { tempDir } from '../temp-dir.ts';

/** This process's open file descriptors (Linux): a history file left open shows here. */
const openFiles = (): number => readdirSync('/proc/self/fd').length;

test('the history file is closed when the run ends', async () => {
  const dir = await tempDir();
  const before = openFiles();
  const reporter = new CsvReporter({ prefix: join(dir, 'run') });
  await reporter.onStart();
  await reporter.onSnapshot(smallSnapshot());
  assert.equal(openFiles(), before + 1);
  await reporter.onEnd(smallSummary());
  assert.equal(openFiles(), before);
});

test('the history file is closed even when writing the final files fails', async () => {
  const dir = await tempDir();
  // A directory where the stats file goes: its atomic write cannot rename onto it.
  await mkdir(join(dir, 'run_stats.csv'));
  const before = openFiles();
  const reporter = new CsvReporter({ prefix: join(dir, 'run') });
  await reporter.onStart();
  await assert.rejects(reporter.onEnd(smallSummary()), ReportWriteError);
  assert.equal(openFiles(), before);
});

test('a history file that cannot be created is a ReportWriteError naming it', async () => {
  const dir = await tempDir();
  await writeFile(join(dir, 'not-a-dir'), '');
  const prefix = join(dir, 'not-a-dir', 'run');
  const reporter = new CsvReporter({ prefix });
  await assert.rejects(reporter.onStart(), (error: Error) => {
    assert.ok(error instanceof ReportWriteError);
    assert.match(error.message, /run_stats_history\.csv/);
    return true;
  });
});
