import { compareText } from './compare-text.ts';
import type { CheckSummary } from './summary.ts';

/** Passes and fails of named checks, summed over whatever a threshold's scope selects. */
export interface CheckTotals {
  passes: number;
  fails: number;
}

/** Named checks' passes and fails, per check name and the endpoint (method, request name) it ran on. */
export class CheckTable {
  /** method → request name → check name → row: lookups by the caller's own strings, no allocation once seen. */
  private readonly byMethod = new Map<string, Map<string, Map<string, CheckSummary>>>();
  private readonly rows: CheckSummary[] = [];

  record(method: string, endpoint: string, check: string, passed: boolean): void {
    const row = this.byMethod.get(method)?.get(endpoint)?.get(check) ?? this.addRow(method, endpoint, check);
    if (passed) row.passes++;
    else row.fails++;
  }

  /** Adds counts recorded elsewhere (another process's serialized statistics). */
  add({ method, endpoint, name, passes, fails }: CheckSummary): void {
    const row = this.byMethod.get(method)?.get(endpoint)?.get(name) ?? this.addRow(method, endpoint, name);
    row.passes += passes;
    row.fails += fails;
  }

  /** Zeroes the counts; checks already seen stay listed, as endpoints do after a stats reset. */
  clear(): void {
    for (const row of this.rows) row.passes = row.fails = 0;
  }

  /** Copies sorted by request name, method, then check name, so that merged runs list them identically. */
  list(): CheckSummary[] {
    return this.rows
      .map((row) => ({ ...row }))
      .sort(
        (a, b) =>
          compareText(a.endpoint, b.endpoint) ||
          compareText(a.method, b.method) ||
          compareText(a.name, b.name),
      );
  }

  /** Passes and fails of every check whose endpoint `matches`; null when there is no such check. */
  totals(matches: (method: string, endpoint: string) => boolean): CheckTotals | null {
    let found = false;
    const totals = { passes: 0, fails: 0 };
    for (const row of this.rows) {
      if (!matches(row.method, row.endpoint)) continue;
      found = true;
      totals.passes += row.passes;
      totals.fails += row.fails;
    }
    return found ? totals : null;
  }

  private addRow(method: string, endpoint: string, name: string): CheckSummary {
    let byEndpoint = this.byMethod.get(method);
    if (byEndpoint === undefined) {
      byEndpoint = new Map();
      this.byMethod.set(method, byEndpoint);
    }
    let byName = byEndpoint.get(endpoint);
    if (byName === undefined) {
      byName = new Map();
      byEndpoint.set(endpoint, byName);
    }
    const row: CheckSummary = { name, method, endpoint, passes: 0, fails: 0 };
    byName.set(name, row);
    this.rows.push(row);
    return row;
  }
}
