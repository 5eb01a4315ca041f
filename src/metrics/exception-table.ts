import { compareText } from './compare-text.ts';
import type { ExceptionSummary } from './summary.ts';

/** What tasks threw, grouped by `${name}: ${message}`, keeping the stack of the first occurrence. */
export class ExceptionTable {
  private readonly byMessage = new Map<string, { count: number; stack: string }>();

  record(thrown: unknown): void {
    const { message, stack } = describeThrown(thrown);
    this.add(message, 1, stack);
  }

  add(message: string, count: number, stack: string): void {
    const entry = this.byMessage.get(message);
    if (entry === undefined) this.byMessage.set(message, { count, stack });
    else entry.count += count;
  }

  clear(): void {
    this.byMessage.clear();
  }

  /** Most frequent first, then by message. */
  list(): ExceptionSummary[] {
    return [...this.byMessage]
      .map(([message, { count, stack }]) => ({ message, count, stack }))
      .sort((a, b) => b.count - a.count || compareText(a.message, b.message));
  }
}

/** Errors (from any realm) give `name: message` and their stack; other throwables are stringified, stack "". */
export function describeThrown(thrown: unknown): { message: string; stack: string } {
  if (isErrorLike(thrown)) {
    return {
      message: `${thrown.name}: ${thrown.message}`,
      stack: typeof thrown.stack === 'string' ? thrown.stack : '',
    };
  }
  return { message: stringify(thrown), stack: '' };
}

function isErrorLike(value: unknown): value is { name: string; message: string; stack?: unknown } {
  if (typeof value !== 'object' || value === null) return false;
  const { name, message } = value as { name?: unknown; message?: unknown };
  return typeof name === 'string' && typeof message === 'string';
}

function stringify(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null) {
    try {
      const json = JSON.stringify(value);
      if (json !== undefined) return json;
    } catch {
      // Cyclic or holding a BigInt: fall back to String().
    }
  }
  return String(value);
}
