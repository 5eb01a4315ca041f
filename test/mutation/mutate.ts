/**
 * `npm run mutate [group…]`: Stryker over each named group of test/mutation/groups.ts (all of them when
 * none is named), one after the other, then one table of every mutated file's score. Incremental: a group
 * re-tests only the mutants whose source or covering tests changed since its last run.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { mutationGroups } from './groups.ts';

const root = join(import.meta.dirname, '..', '..');
const args = process.argv.slice(2);
const dashes = args.indexOf('--');
const names = dashes === -1 ? args : args.slice(0, dashes);
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
const rows: string[] = [];
let failed = false;
for (const name of groups) {
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
  if (stryker.status !== 0) {
    failed = true;
    continue;
  }
  const report = JSON.parse(readFileSync(join(root, 'reports', 'mutation', `${name}.json`), 'utf8')) as {
    files: Record<string, { mutants: { status: string }[] }>;
  };
  for (const [file, { mutants }] of Object.entries(report.files)) {
    const detected = mutants.filter((m) => DETECTED.has(m.status)).length;
    const undetected = mutants.filter((m) => UNDETECTED.has(m.status)).length;
    const score = detected + undetected === 0 ? 100 : (100 * detected) / (detected + undetected);
    rows.push(`| ${name} | ${file} | ${score.toFixed(1)} % | ${detected} | ${undetected} |`);
  }
}
console.log('\n| group | file | score | detected | undetected |\n| --- | --- | --- | --- | --- |');
console.log(rows.join('\n'));
if (failed) process.exit(1);
