/**
 * The open model's timetable: an arrival rate that is piecewise linear in time (constant rates, ramps),
 * and exactly when each arrival is due. Arrival k (0-based) is due when the cumulative number of arrivals
 * A(t) = ∫ rate reaches k, so the first one is due at once and a constant rate R puts arrival k at k / R.
 * Pure arithmetic, no timers: the scheduler asks it when the next arrival is due.
 */
interface Segment {
  /** Seconds from the schedule's origin. */
  startSec: number;
  /** Infinity for the last segment, which holds its end rate forever. */
  durationSec: number;
  fromRate: number;
  toRate: number;
  /** A(startSec). */
  arrivalsBefore: number;
}

/** One ramp of the arrival rate: from the current rate to `rate` over `durationSec` (0 = a jump). */
export interface RateRamp {
  durationSec: number;
  rate: number;
}

export class ArrivalSchedule {
  #segments: Segment[];

  constructor(rate = 0) {
    this.#segments = [
      { startSec: 0, durationSec: Number.POSITIVE_INFINITY, fromRate: rate, toRate: rate, arrivalsBefore: 0 },
    ];
  }

  /** Arrivals per second at `tSec`. */
  rateAt(tSec: number): number {
    const s = this.#segmentAt(tSec);
    const u = tSec - s.startSec;
    if (s.durationSec === Number.POSITIVE_INFINITY || s.durationSec === 0) return s.toRate;
    return s.fromRate + ((s.toRate - s.fromRate) * Math.min(u, s.durationSec)) / s.durationSec;
  }

  /** A(t): arrivals the schedule has due by `tSec` (fractional). */
  arrivalsBy(tSec: number): number {
    const s = this.#segmentAt(tSec);
    const u = Math.max(0, tSec - s.startSec);
    if (s.durationSec === Number.POSITIVE_INFINITY) return s.arrivalsBefore + s.fromRate * u;
    const slope = (s.toRate - s.fromRate) / s.durationSec;
    return s.arrivalsBefore + s.fromRate * u + (slope * u * u) / 2;
  }

  /** When A(t) reaches `count` (seconds from the origin), or Infinity if it never does. */
  timeOf(count: number): number {
    for (const s of this.#segments) {
      const need = count - s.arrivalsBefore;
      // The first arrival waits for a rate above zero: `--arrival-rate 0` (a run started idle) sends nothing.
      if (need <= 0 && (count > 0 || s.fromRate > 0 || s.toRate > 0)) return s.startSec;
      if (need <= 0) continue;
      const end = s.startSec + s.durationSec;
      if (s.durationSec !== Number.POSITIVE_INFINITY && this.arrivalsBy(end) < count) continue;
      if (s.durationSec === Number.POSITIVE_INFINITY || s.toRate === s.fromRate) {
        return s.fromRate > 0 ? s.startSec + need / s.fromRate : Number.POSITIVE_INFINITY;
      }
      // fromRate·u + slope·u²/2 = need, the root in [0, duration].
      const slope = (s.toRate - s.fromRate) / s.durationSec;
      const discriminant = s.fromRate * s.fromRate + 2 * slope * need;
      const u = (-s.fromRate + Math.sqrt(Math.max(0, discriminant))) / slope;
      return s.startSec + Math.min(Math.max(0, u), s.durationSec);
    }
    return Number.POSITIVE_INFINITY;
  }

  /** From `atSec` on: the ramps one after another, then the last rate forever. Replaces what was planned. */
  plan(atSec: number, ramps: readonly RateRamp[]): void {
    const kept = this.#segments.filter((s) => s.startSec < atSec);
    const current = kept.at(-1);
    let arrivals = this.arrivalsBy(atSec);
    let rate = this.rateAt(atSec);
    if (current) {
      // Cut the running segment at `atSec`; a ramp cut short keeps its slope.
      current.durationSec = atSec - current.startSec;
      current.toRate = rate;
    }
    let start = atSec;
    for (const ramp of ramps) {
      if (ramp.durationSec > 0) {
        kept.push({
          startSec: start,
          durationSec: ramp.durationSec,
          fromRate: rate,
          toRate: ramp.rate,
          arrivalsBefore: arrivals,
        });
        arrivals += ((rate + ramp.rate) / 2) * ramp.durationSec;
        start += ramp.durationSec;
      }
      rate = ramp.rate;
    }
    kept.push({
      startSec: start,
      durationSec: Number.POSITIVE_INFINITY,
      fromRate: rate,
      toRate: rate,
      arrivalsBefore: arrivals,
    });
    this.#segments = kept;
  }

  /** A constant rate from `atSec` on. */
  setRate(atSec: number, rate: number): void {
    this.plan(atSec, [{ durationSec: 0, rate }]);
  }

  #segmentAt(tSec: number): Segment {
    let found = this.#segments[0]!;
    for (const s of this.#segments) {
      if (s.startSec <= tSec) found = s;
      else break;
    }
    return found;
  }
}
