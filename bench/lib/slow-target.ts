/**
 * A slow target: a Node HTTP server (pinned to a core of its own) that answers every request after a
 * fixed delay, so the open model needs many users busy at once (Little's law) rather than few fast ones.
 */
import { freePort, sleep, spawnPinned, stop } from './procs.ts';

export interface SlowTarget {
  url: string;
  close(): Promise<void>;
}

export async function startSlowTarget(core: number, delayMs: number): Promise<SlowTarget> {
  const port = await freePort();
  const code = `require('node:http').createServer((req, res) => { req.resume(); setTimeout(() => res.end('{"ok":true}'), ${delayMs}); }).listen(${port}, '127.0.0.1');`;
  const child = spawnPinned(core, process.execPath, ['-e', code]);
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      await (await fetch(`${url}/`)).arrayBuffer();
      return { url, close: () => stop(child) };
    } catch {
      await sleep(50);
    }
  }
  await stop(child);
  throw new Error(`the slow target did not listen on ${url}`);
}
