import { monitorEventLoopDelay } from 'node:perf_hooks';

const RESOLUTION_MS = 5;

/**
 * Runs `body` and measures the longest this process's event loop was held up meanwhile (a busy machine,
 * a GC pause): what a timing assertion allows on top of its quiet-machine tolerance, measured, not guessed.
 */
export async function measuringLoopDelay<T>(
  body: () => Promise<T>,
): Promise<{ result: T; heldUpMs: number }> {
  const lag = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  lag.enable();
  try {
    const result = await body();
    // A hold-up that ended just before `body` settled is recorded at the monitor's next sample: wait for it.
    await new Promise((resolve) => setTimeout(resolve, 2 * RESOLUTION_MS));
    return { result, heldUpMs: lag.max / 1e6 };
  } finally {
    lag.disable();
  }
}
