import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { JsonReporter, renderJsonSummary } from '../../../src/report/reporters/json.ts';
import { smallSummary } from '../fixtures.ts';
import { tempDir } from '../temp-dir.ts';

test('JsonReporter writes the summary with 2-space indent and a trailing newline, atomically', async () => {
  const dir = await tempDir();
  const file = join(dir, 'results', 'run.json');
  const summary = smallSummary();
  await new JsonReporter({ file }).onEnd(summary);
  const text = await readFile(file, 'utf8');
  assert.ok(text.startsWith('{\n  "schemaVersion": 1,\n  "meta": {\n    "volleyVersion": "0.1.0",'));
  assert.ok(text.endsWith('\n  "passed": false,\n  "exitCode": 1\n}\n'));
  assert.deepEqual(JSON.parse(text), summary);
  assert.equal(text, renderJsonSummary(summary));
  assert.deepEqual(await readdir(join(dir, 'results')), ['run.json']);
});

test('docs/json-schema.md documents every field of the summary', async () => {
  const docs = await readFile(new URL('../../../docs/json-schema.md', import.meta.url), 'utf8');
  const summary = smallSummary();
  summary.exceptions = [{ message: 'm', count: 1, stack: 's' }];
  summary.checks = [{ name: 'c', method: 'GET', endpoint: '/students', passes: 1, fails: 0 }];
  const documented = (path: string): boolean => docs.includes(`| \`${path}\``);
  const fields = [
    ...Object.keys(summary),
    ...Object.keys(summary.meta).map((k) => `meta.${k}`),
    ...Object.keys(summary.aggregated).map((k) => `endpoints[].${k}`),
    ...Object.keys(summary.failures[0] ?? {}).map((k) => `failures[].${k}`),
    ...Object.keys(summary.exceptions[0] ?? {}).map((k) => `exceptions[].${k}`),
    ...Object.keys(summary.checks[0] ?? {}).map((k) => `checks[].${k}`),
    ...Object.keys(summary.thresholds[0] ?? {}).map((k) => `thresholds[].${k}`),
  ];
  assert.equal(fields.length, 10 + 10 + 15 + 4 + 3 + 5 + 7);
  assert.deepEqual(
    fields.filter((f) => !documented(f)),
    [],
  );
  const example = /```json\n([\s\S]*?)```/.exec(docs)?.[1];
  assert.ok(example, 'the doc has a JSON example');
  assert.deepEqual(Object.keys(JSON.parse(example)), Object.keys(summary));
});
