/** What a command reads and writes: the process's streams, env and cwd in the CLI, fakes in tests. */
export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Installs SIGINT/SIGTERM handling; tests pass their own. */
  onSignal?: (handler: (signal: string) => void) => () => void;
}
