/**
 * Watches the load generator's own CPU. A generator that is short of CPU sends late and measures
 * its own queueing as response time, so its numbers can no longer be trusted: past 90% of one core
 * over a window of a few seconds, the run says so (console warning, `meta.generator` in the summary).
 * Its event-loop delay says the same from the other side: how late volley itself ran what was due.
 */
import { type ELDHistogram, monitorEventLoopDelay } from 'node:perf_hooks';

/** The generator's CPU over a run, as written to `meta.generator`. */
export interface GeneratorCpu {
  /** Average CPU (user + system) of the process over the run, % of one core. */
  cpuPercentAvg: number;
  /** Highest `windowSamples`-second average, % of one core. */
  cpuPercentPeak: number;
  /** true when a full window's average passed the limit: the figures may include the generator's own delays. */
  overloaded: boolean;
  /** How late the generator's event loop ran what was due (timers, arrivals, responses), over the run. */
  loopDelayMs?: LoopDelay;
}

export interface LoopDelay {
  p50: number;
  p99: number;
  max: number;
}

export const OVERLOAD_CPU_PERCENT = 90;

export interface GeneratorCpuMonitorOptions {
  /** Called once, the first time the window average passes the limit. */
  onOverload?: (cpuPercent: number) => void;
  /** Sampling period in ms (default 1000). */
  intervalMs?: number;
  /** Samples per window (default 3): a single busy second (a GC, a spawn burst) is not an overload. */
  windowSamples?: number;
  /** CPU µs used so far (user + system); default process.cpuUsage. Injectable for tests. */
  cpuMicros?: () => number;
  /** Monotonic ms; default performance.now. Injectable for tests. */
  nowMs?: () => number;
  /** Also measure the event-loop delay (`loopDelayMs`); default false. */
  loopDelay?: boolean;
}

const processCpuMicros = (): number => {
  const { user, system } = process.cpuUsage();
  return user + system;
};

export class GeneratorCpuMonitor {
  readonly #onOverload: ((cpuPercent: number) => void) | undefined;
  readonly #intervalMs: number;
  readonly #windowSamples: number;
  readonly #cpuMicros: () => number;
  readonly #nowMs: () => number;
  /** Per-sample [cpu µs, wall ms] deltas of the current window. */
  readonly #window: { cpu: number; wall: number }[] = [];
  #timer: NodeJS.Timeout | undefined = undefined;
  #startCpu = 0;
  #startWall = 0;
  #lastCpu = 0;
  #lastWall = 0;
  #peak = 0;
  #overloaded = false;
  #warned = false;
  #final: GeneratorCpu | null = null;
  #loop: ELDHistogram | null = null;
  readonly #measureLoop: boolean;

  constructor(options: GeneratorCpuMonitorOptions = {}) {
    this.#onOverload = options.onOverload;
    this.#intervalMs = options.intervalMs ?? 1000;
    this.#windowSamples = Math.max(1, options.windowSamples ?? 3);
    this.#cpuMicros = options.cpuMicros ?? processCpuMicros;
    this.#nowMs = options.nowMs ?? (() => performance.now());
    this.#measureLoop = options.loopDelay === true;
  }

  start(): void {
    if (this.#measureLoop) {
      this.#loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
      this.#loop.enable();
    }
    this.#startCpu = this.#lastCpu = this.#cpuMicros();
    this.#startWall = this.#lastWall = this.#nowMs();
    this.#timer = setInterval(() => this.sample(), this.#intervalMs);
    // Never keeps the process alive on its own.
    this.#timer.unref();
  }

  /** Takes one sample now (called by the timer; public for tests). */
  sample(): void {
    const cpu = this.#cpuMicros();
    const wall = this.#nowMs();
    if (wall <= this.#lastWall) return;
    this.#window.push({ cpu: cpu - this.#lastCpu, wall: wall - this.#lastWall });
    if (this.#window.length > this.#windowSamples) this.#window.shift();
    this.#lastCpu = cpu;
    this.#lastWall = wall;
    let cpuSum = 0;
    let wallSum = 0;
    for (const s of this.#window) {
      cpuSum += s.cpu;
      wallSum += s.wall;
    }
    const percent = cpuSum / 10 / wallSum;
    if (percent > this.#peak) this.#peak = percent;
    // Only a full window judges: a run's first second (loading the scenario, compiling, spawning) or a
    // run shorter than the window is not an overload on its own.
    if (this.#window.length < this.#windowSamples || percent <= OVERLOAD_CPU_PERCENT) return;
    this.#overloaded = true;
    if (!this.#warned) {
      this.#warned = true;
      this.#onOverload?.(percent);
    }
  }

  /** Stops sampling and returns the run's figures (the same ones on every later call). */
  stop(): GeneratorCpu {
    if (this.#final !== null) return this.#final;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    // The last partial period counts only when no full sample was taken (very short runs).
    if (this.#window.length === 0) this.sample();
    const wall = this.#lastWall - this.#startWall;
    const avg = wall > 0 ? (this.#lastCpu - this.#startCpu) / 10 / wall : 0;
    this.#final = {
      cpuPercentAvg: round1(avg),
      cpuPercentPeak: round1(this.#peak),
      overloaded: this.#overloaded,
      ...(this.#loop === null ? {} : { loopDelayMs: loopDelayOf(this.#loop) }),
    };
    this.#loop?.disable();
    return this.#final;
  }
}

/** The loop-delay timer's period: a timer every 10 ms costs nothing measurable. */
const LOOP_RESOLUTION_MS = 10;

/** Milliseconds late, from the histogram of nanoseconds between the timer's runs (the period included). */
function loopDelayOf(histogram: ELDHistogram): LoopDelay {
  const ms = (ns: number) =>
    histogram.count > 0 && Number.isFinite(ns)
      ? Math.max(0, Math.round((ns / 1e6 - LOOP_RESOLUTION_MS) * 100) / 100)
      : 0;
  return { p50: ms(histogram.percentile(50)), p99: ms(histogram.percentile(99)), max: ms(histogram.max) };
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

/** The console's one-line warning. */
export function overloadWarning(cpuPercent: number): string {
  return (
    `the load generator is using ${Math.round(cpuPercent)}% of a CPU core: response times and rates ` +
    'may include its own delays (use fewer users, or more processes)'
  );
}

/** Several processes' CPU as one: the busiest's, whose numbers are least to be trusted. */
export function busiestGenerator(generators: readonly GeneratorCpu[]): GeneratorCpu {
  return {
    cpuPercentAvg: Math.max(...generators.map((g) => g.cpuPercentAvg)),
    cpuPercentPeak: Math.max(...generators.map((g) => g.cpuPercentPeak)),
    overloaded: generators.some((g) => g.overloaded),
    ...(generators.some((g) => g.loopDelayMs !== undefined)
      ? {
          loopDelayMs: {
            p50: Math.max(...generators.map((g) => g.loopDelayMs?.p50 ?? 0)),
            p99: Math.max(...generators.map((g) => g.loopDelayMs?.p99 ?? 0)),
            max: Math.max(...generators.map((g) => g.loopDelayMs?.max ?? 0)),
          },
        }
      : {}),
  };
}
