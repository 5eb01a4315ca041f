/**
 * `npm run mutate [group…]`: Stryker over each named group of test/mutation/groups.ts (all of them when
 * none is named), one after the other, then one table of every mutated file's score. Incremental: a group
 * re-tests only the mutants whose source or covering tests changed since its last run.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type EquivalentMutant, equivalentMutants } from './equivalent-mutants.ts';
import { mutationGroups } from './groups.ts';

const root = join(import.meta.dirname, '..', '..');
const args = process.argv.slice(2);
const dashes = args.indexOf('--');
const ours = dashes === -1 ? args : args.slice(0, dashes);
/** `--table`: print the scores of the last runs (reports/mutation/*.json) without running Stryker. */
const tableOnly = ours.includes('--table');
const names = ours.filter((arg) => arg !== '--table');
/** Stryker options after `--`, e.g. `npm run mutate -- metrics -- --force` (a full run, not incremental). */
const strykerOptions = dashes === -1 ? [] : args.slice(dashes + 1);
const unknown = names.filter((name) => !(name in mutationGroups));
if (unknown.length > 0) {
  console.error(`unknown group ${unknown.join(', ')}: use one of ${Object.keys(mutationGroups).join(', ')}`);
  process.exit(2);
}
const groups = names.length > 0 ? names : Object.keys(mutationGroups);

/** Killed and timed-out mutants count as detected; compile and runtime errors are not mutants at all. */
const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);

interface ReportedMutant {
  status: string;
  mutatorName: string;
  replacement?: string;
  location: { start: { line: number; column: number } };
}

const sameText = (a: string, b: string) => a.replace(/\s+/g, ' ').trim() === b.replace(/\s+/g, ' ').trim();
const isListed = (file: string, m: ReportedMutant) => (e: EquivalentMutant) =>
  e.file === file &&
  e.line === m.location.start.line &&
  e.column === m.location.start.column &&
  e.mutator === m.mutatorName &&
  sameText(e.replacement, m.replacement ?? '');

const rows: string[] = [];
const matched = new Set<EquivalentMutant>();
let failed = false;
for (const name of groups) {
  if (!tableOnly && !runStryker(name)) {
    // A failed run leaves the last report in place: its scores are not this run's.
    failed = true;
    continue;
  }
  let report: { files: Record<string, { mutants: ReportedMutant[] }> };
  try {
    report = JSON.parse(readFileSync(join(root, 'reports', 'mutation', `${name}.json`), 'utf8'));
  } catch {
    console.error(`no report of group ${name} yet: run \`npm run mutate -- ${name}\``);
    failed = true;
    continue;
  }
  for (const [file, { mutants }] of Object.entries(report.files)) {
    const detected = mutants.filter((m) => DETECTED.has(m.status)).length;
    const undetected = mutants.filter((m) => UNDETECTED.has(m.status));
    let equivalent = 0;
    for (const mutant of undetected) {
      const entry = equivalentMutants.find(isListed(file, mutant));
      if (entry === undefined) continue;
      matched.add(entry);
      equivalent++;
    }
    const score = (undetectedCount: number) =>
      detected + undetectedCount === 0
        ? '100.0'
        : ((100 * detected) / (detected + undetectedCount)).toFixed(1);
    rows.push(
      `| ${name} | ${file} | ${score(undetected.length)} % | ${score(undetected.length - equivalent)} % | ` +
        `${detected} | ${undetected.length - equivalent} | ${equivalent} |`,
    );
  }
}
console.log(
  '\n| group | file | score | without equivalents | detected | undetected | equivalent |\n' +
    '| --- | --- | --- | --- | --- | --- | --- |',
);
console.log(rows.join('\n'));
const stale = equivalentMutants.filter(
  (e) => !matched.has(e) && groups.some((g) => mutationGroups[g]?.mutate.includes(e.file)),
);
for (const e of stale) {
  console.log(
    `listed as equivalent but not among the survivors (killed, or the code moved): ${e.file}:${e.line}:${e.column} ${e.mutator}`,
  );
}
if (failed) process.exit(1);

function runStryker(name: string): boolean {
  const stryker = spawnSync(
    process.execPath,
    [join(root, 'node_modules', '@stryker-mutator', 'core', 'bin', 'stryker.js'), 'run', ...strykerOptions],
    {
      cwd: root,
      stdio: 'inherit',
      // The TAP runner starts `node`: this one (24, which runs .ts), not whatever node comes first on PATH.
      env: {
        ...process.env,
        VOLLEY_MUTATE_GROUP: name,
        PATH: `${dirname(process.execPath)}:${process.env.PATH}`,
      },
    },
  );
  return stryker.status === 0;
}
