// Mutation testing of one group of core modules (test/mutation/groups.ts); run it with `npm run mutate`,
// which sets VOLLEY_MUTATE_GROUP. Not part of `npm test`: a group takes minutes, all of them much longer.
import { mutationGroups } from './test/mutation/groups.ts';

// Without a group (plain `npx stryker run`, or a tool reading this file): every group in one run.
const name = process.env.VOLLEY_MUTATE_GROUP || 'all';
const group =
  name === 'all'
    ? {
        mutate: Object.values(mutationGroups).flatMap((g) => g.mutate),
        tests: [...new Set(Object.values(mutationGroups).flatMap((g) => g.tests))],
      }
    : mutationGroups[name];
if (group === undefined) {
  throw new Error(
    `VOLLEY_MUTATE_GROUP must be one of ${Object.keys(mutationGroups).join(', ')} (got '${name}')`,
  );
}

export default {
  testRunner: 'tap',
  // The test files run as `node <file>`: Node 24 strips the types; node:test prints TAP to a pipe.
  tap: { testFiles: group.tests, forceBail: true },
  mutate: group.mutate,
  coverageAnalysis: 'perTest',
  // Two cores, shared: more runners only queue.
  concurrency: 2,
  timeoutMS: 10_000,
  incremental: true,
  incrementalFile: `reports/mutation/${name}.incremental.json`,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: `reports/mutation/${name}.html` },
  jsonReporter: { fileName: `reports/mutation/${name}.json` },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
  // Nothing reads tsconfig at run time, and Stryker's rewrite of it needs TypeScript's JS API, which
  // TypeScript 7 no longer has: pointing at no file skips that rewrite.
  tsconfigFile: 'no-tsconfig-in-the-sandbox.json',
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
