import { monitorEventLoopDelay } from 'node:perf_hooks';

/**
 * Runs `body` and measures the longest this process's event loop was held up meanwhile (a busy machine,
 * a GC pause): what a timing assertion allows on top of its quiet-machine tolerance, measured, not guessed.
 */
export async function measuringLoopDelay<T>(
  body: () => Promise<T>,
): Promise<{ result: T; heldUpMs: number }> {
  const lag = monitorEventLoopDelay({ resolution: 5 });
  lag.enable();
  try {
    const result = await body();
    return { result, heldUpMs: lag.max / 1e6 };
  } finally {
    lag.disable();
  }
}
