/**
 * Memory per user: `users` users of the waiting scenario (one GET, then constant(30)), each with its
 * own connection and cookie jar, against nginx. Resident memory (VmRSS) once every user has sent its
 * first request and waits, minus that of the same scenario with one user, divided by the extra users.
 * The soak variant keeps the users for minutes and samples memory to show it stays flat.
 */
import { join } from 'node:path';
import type { Nginx } from './nginx.ts';
import { collectStderr, rssBytes, sleep, spawnPinned, stop } from './procs.ts';
import { slope, spread } from './stats.ts';
import { ROOT, SCENARIOS } from './tools.ts';

export interface MemoryResult {
  users: number;
  idleRssBytes: number;
  /** Median RSS over one wait period (30 s, every second): garbage comes and goes with the requests. */
  loadedRssBytes: number;
  /** Highest RSS over that period. */
  peakRssBytes: number;
  bytesPerUser: number;
  /** (peak - idle) / extra users: the worst moment of the period. */
  peakBytesPerUser: number;
  /** Seconds until every user had sent its first request. */
  rampSec: number;
}

export interface SoakResult {
  users: number;
  minutes: number;
  samples: { sec: number; rssBytes: number }[];
  /** Growth of RSS over the second half of the soak, least squares, bytes per minute. */
  slopeBytesPerMin: number;
  /** Highest RSS of each minute: V8 first grows its heap in a sawtooth, then settles. */
  maxRssPerMinute: number[];
}

function volleyArgs(url: string, users: number, runSec: number): string[] {
  return [
    join(ROOT, 'bin', 'volley.js'),
    'run',
    join(SCENARIOS, 'waiting.ts'),
    '-H',
    url,
    '-u',
    String(users),
    '-r',
    String(Math.max(1, Math.ceil(users / 5))),
    '-t',
    `${runSec}s`,
    '--headless',
    '--only-summary',
    // The whole test is one GET per 30 s per user: no need for the default 60 s timeout to be the bound.
    '--timeout',
    '20s',
  ];
}

/** Median and highest RSS over samples a second apart. */
async function settledRss(pid: number, samples = 5): Promise<{ median: number; max: number }> {
  const values: number[] = [];
  for (let i = 0; i < samples; i++) {
    const rss = rssBytes(pid);
    if (rss === null) throw new Error('volley exited while being measured');
    values.push(rss);
    await sleep(1000);
  }
  const { median, max } = spread(values);
  return { median, max };
}

/** Starts volley with `users` waiting users; resolves once all of them sent their first request. */
async function startWaitingUsers(nginx: Nginx, users: number, runSec: number, core: number) {
  const before = await nginx.requests();
  const started = performance.now();
  const child = spawnPinned(core, process.execPath, volleyArgs(nginx.url, users, runSec));
  const stderr = collectStderr(child);
  for (;;) {
    await sleep(500);
    if (child.exitCode !== null) throw new Error(`volley exited: ${stderr().slice(-800)}`);
    const sent = (await nginx.requests()) - before;
    if (sent >= users) break;
    if (performance.now() - started > 120_000) {
      await stop(child);
      throw new Error(
        `only ${sent} of ${users} users sent a request within 2 minutes: ${stderr().slice(-800)}`,
      );
    }
  }
  return { child, rampSec: (performance.now() - started) / 1000 };
}

export async function measureMemory(
  nginx: Nginx,
  users: number,
  core: number,
  log: (line: string) => void,
  periodSec = 30,
): Promise<MemoryResult> {
  const idle = await startWaitingUsers(nginx, 1, 60, core);
  let idleRss: number;
  try {
    await sleep(2000);
    idleRss = (await settledRss(idle.child.pid as number)).median;
  } finally {
    await stop(idle.child);
  }
  log(`memory: idle (1 user) ${(idleRss / 2 ** 20).toFixed(1)} MiB`);
  const loaded = await startWaitingUsers(nginx, users, 120, core);
  let loadedRss: { median: number; max: number };
  try {
    log(`memory: ${users} users sent their first request after ${loaded.rampSec.toFixed(1)} s`);
    // One whole wait period: every user sends once more while memory is sampled.
    loadedRss = await settledRss(loaded.child.pid as number, periodSec);
  } finally {
    await stop(loaded.child);
  }
  const bytesPerUser = (loadedRss.median - idleRss) / (users - 1);
  const peakBytesPerUser = (loadedRss.max - idleRss) / (users - 1);
  log(
    `memory: ${users} users ${(loadedRss.median / 2 ** 20).toFixed(1)} MiB (peak ${(loadedRss.max / 2 ** 20).toFixed(1)}) → ` +
      `${(bytesPerUser / 1024).toFixed(1)} KiB per user (peak ${(peakBytesPerUser / 1024).toFixed(1)})`,
  );
  return {
    users,
    idleRssBytes: idleRss,
    loadedRssBytes: loadedRss.median,
    peakRssBytes: loadedRss.max,
    bytesPerUser,
    peakBytesPerUser,
    rampSec: loaded.rampSec,
  };
}

export async function soak(
  nginx: Nginx,
  users: number,
  minutes: number,
  core: number,
  log: (line: string) => void,
): Promise<SoakResult> {
  const runSec = minutes * 60 + 60;
  const { child } = await startWaitingUsers(nginx, users, runSec, core);
  const samples: { sec: number; rssBytes: number }[] = [];
  const started = performance.now();
  try {
    while (performance.now() - started < minutes * 60_000) {
      const rss = rssBytes(child.pid as number);
      if (rss === null) throw new Error('volley exited during the soak');
      const sec = (performance.now() - started) / 1000;
      samples.push({ sec, rssBytes: rss });
      if (samples.length % 6 === 1) log(`soak: ${sec.toFixed(0)} s ${(rss / 2 ** 20).toFixed(1)} MiB`);
      await sleep(10_000);
    }
  } finally {
    await stop(child);
  }
  const secondHalf = samples.filter((s) => s.sec >= (minutes * 60) / 2);
  const maxRssPerMinute: number[] = [];
  for (const s of samples) {
    const minute = Math.floor(s.sec / 60);
    maxRssPerMinute[minute] = Math.max(maxRssPerMinute[minute] ?? 0, s.rssBytes);
  }
  return {
    users,
    minutes,
    samples,
    slopeBytesPerMin: slope(secondHalf.map((s) => ({ x: s.sec / 60, y: s.rssBytes }))),
    maxRssPerMinute,
  };
}
