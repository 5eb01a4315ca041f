#!/usr/bin/env node
// In a checkout, run the TypeScript sources (Node ≥ 22.18 strips types); a published package runs dist/.
import { existsSync } from 'node:fs';
import module from 'node:module';
import { nodeVersionProblem } from './node-version.js';

// Before loading any of volley: an older Node fails on it with a stack trace that says nothing useful.
const tooOld = nodeVersionProblem(process.version);
if (tooOld) {
  process.stderr.write(`${tooOld}\n`);
  process.exit(2);
}

// Reuse V8's compiled code (and, from the checkout, the stripped TypeScript) across runs: start-up
// roughly halves. Kept in the OS temp dir, keyed by file contents; NODE_DISABLE_COMPILE_CACHE=1 turns it off.
module.enableCompileCache?.();

const source = new URL('../src/cli/main.ts', import.meta.url);
const { main } = await import(
  existsSync(source) ? source.href : new URL('../dist/cli/main.js', import.meta.url).href
);
const code = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
});
// Let pending output drain (pipes are asynchronous), then leave even if a user's code left timers behind.
await new Promise((resolve) => process.stdout.write('', resolve));
await new Promise((resolve) => process.stderr.write('', resolve));
process.exit(code);
