/**
 * Resolves once `condition()` holds, checked every 10 ms: a test waits for what it needs instead of
 * sleeping a guessed time. Rejects after `timeoutMs`, naming what it waited for.
 */
export async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`still waiting after ${timeoutMs} ms for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
