import type { CliIo } from './io.ts';

type SignalHandler = (signal: string) => void;

/** SIGINT/SIGTERM handling, replaceable by tests through `io.onSignal`. Returns the uninstaller. */
export function onSignal(io: CliIo, handler: SignalHandler): () => void {
  if (io.onSignal) return io.onSignal(handler);
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}

/** Resolves on the first SIGINT or SIGTERM. */
export function waitForSignal(io: CliIo): Promise<string> {
  return new Promise((resolve) => {
    const uninstall = onSignal(io, (signal) => {
      uninstall();
      resolve(signal);
    });
  });
}
