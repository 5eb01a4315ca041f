import { VOLLEY_VERSION } from '../version.ts';
import type { CliIo } from './io.ts';

/** A subcommand: its arguments after the name; returns the exit code. */
export type Command = (args: readonly string[], io: CliIo) => Promise<number>;

export interface CommandEntry {
  name: string;
  /** What follows the name in the usage line, e.g. "FILE [options]". */
  usage: string;
  /** One line for `volley --help`. */
  help: string;
  /** Imported only when the command runs, so each command starts without loading the others. */
  load: () => Promise<Command>;
}

/** Every `volley` subcommand, in the order `volley --help` lists them. A new command is one entry. */
// biome-ignore format: one line per command
export const COMMANDS: readonly CommandEntry[] = [
  { name: 'run', usage: 'FILE [options]', help: 'run a scenario (see volley run --help)', load: async () => (await import('./run-command.ts')).runCommand },
  { name: 'capture', usage: '--upstream URL', help: 'a reverse proxy recording real traffic as HAR (see volley capture --help)', load: async () => (await import('./capture-command.ts')).captureCommand },
  { name: 'compare', usage: 'BASE NEW', help: 'compare two runs\' --json-file summaries, gate on regressions (see volley compare --help)', load: async () => (await import('./compare-command.ts')).compareCommand },
  { name: 'demo', usage: '[options]', help: 'serve the built-in reference API (see volley demo --help)', load: async () => (await import('./demo-command.ts')).demoCommand },
  { name: 'quickstart', usage: '[options]', help: 'the demo API and a run against it, as npm run demo (see volley quickstart --help)', load: async () => (await import('./quickstart-command.ts')).quickstartCommand },
  { name: 'verify', usage: 'FILE [options]', help: 'dry run, record, replay offline and compare (see volley verify --help)', load: async () => (await import('./verify-command.ts')).verifyCommand },
  { name: 'har2ts', usage: 'FILE.har', help: 'turn a browser or proxy HAR into a scenario (see volley har2ts --help)', load: async () => (await import('./har2ts-command.ts')).har2tsCommand },
  { name: 'trace', usage: 'record|replay|verify|inspect|export-har', help: 'record a Node service or program with its I/O, replay it offline, compare (see volley trace --help)', load: async () => (await import('./trace-command.ts')).traceCommand },
  { name: 'init', usage: '[DIR]', help: 'write a scenario project to start from (see volley init --help)', load: async () => (await import('./init-command.ts')).initCommand },
  { name: 'worker', usage: '--master H:P', help: 'run users for a coordinator (see volley worker --help)', load: async () => (await import('./worker-command.ts')).workerCommand },
];

/** `volley --help`: every command of the table. */
export function mainHelp(): string {
  return `volley ${VOLLEY_VERSION}: load-test HTTP APIs with TypeScript scenarios

Usage:
${COMMANDS.map((c) => `  ${`volley ${c.name} ${c.usage}`.padEnd(30)}${c.help}\n`).join('')}  volley --version | --help

Example:
  volley demo --port 5000 &
  volley run examples/students/scenario.ts --headless -H http://127.0.0.1:5000 -u 20 -r 5 -t 30s --csv reports/students
`;
}
