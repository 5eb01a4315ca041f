import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import type { ParseArgsOptionsConfig } from 'node:util';
import { scaffoldFiles } from './init/scaffold.ts';
import type { CliIo } from './io.ts';
import { parseCliArgs } from './parse-args.ts';
import { UsageError } from './usage-error.ts';

const OPTIONS: ParseArgsOptionsConfig = {
  force: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

export const INIT_HELP = `Usage: volley init [DIR] [--force]

Writes a scenario project in DIR (default: this folder): package.json depending on volley, tsconfig.json,
scenario.ts (a user with a think time), volley.config.json (host, users, run time, thresholds), README.md
with the commands to run it, and .gitignore. Refuses to overwrite a file unless --force.
`;

export async function initCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCliArgs(args, OPTIONS, 'volley init');
  if (values.help) {
    io.stdout.write(INIT_HELP);
    return 0;
  }
  if (positionals.length > 1) throw new UsageError(`expected one folder, got ${positionals.join(' ')}`);
  const dir = resolve(io.cwd, positionals[0] ?? '.');
  const name =
    basename(dir)
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/^[._-]+/, '') || 'load-tests';
  const files = scaffoldFiles(name);
  const existing = Object.keys(files).filter((file) => existsSync(join(dir, file)));
  if (existing.length > 0 && values.force !== true) {
    throw new UsageError(
      `${dir} already has ${existing.join(', ')}; choose another folder or add --force to overwrite`,
    );
  }
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  const shown = relative(io.cwd, dir) || '.';
  io.stdout.write(
    `volley: wrote ${Object.keys(files).join(', ')} in ${shown}\nNext:\n${shown === '.' ? '' : `  cd ${shown}\n`}  npm install\n  npx volley demo &      # a demo API to try it on\n  npm run load:smoke\n`,
  );
  return 0;
}
