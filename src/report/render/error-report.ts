import type { ExceptionSummary, FailureSummary } from '../../metrics/summary.ts';
import { padRight } from './text-cells.ts';

/** Locust's "%-18s" occurrences column. */
const COUNT_WIDTH = 18;

/**
 * Locust's "Error report" (stats.py get_error_report_summary): "# occurrences" and "METHOD name: error"
 * per failure between "|"-separated dashes, `lineWidth` wide (Locust: the stats table's width).
 * Trailing padding is dropped. Empty when there were no failures.
 */
export function errorReport(failures: readonly FailureSummary[], lineWidth: number): string[] {
  if (failures.length === 0) return [];
  const rows = failures.map((f) =>
    countLine(f.occurrences, `${f.method ? `${f.method} ` : ''}${f.name}: ${f.error}`),
  );
  return ['Error report', ...framed('Error', rows, lineWidth)];
}

/**
 * What tasks threw, in the error report's layout (Locust has no console section for exceptions; its web UI
 * and exceptions CSV show them). The first stack frame follows each message so the user knows where to look.
 */
export function exceptionReport(exceptions: readonly ExceptionSummary[], lineWidth: number): string[] {
  if (exceptions.length === 0) return [];
  const rows = exceptions.flatMap((e) => {
    const frame = firstStackFrame(e.stack);
    const message = countLine(e.count, e.message);
    return frame ? [message, `${' '.repeat(COUNT_WIDTH + 1)}${frame}`] : [message];
  });
  return ['Exceptions', ...framed('Exception', rows, lineWidth)];
}

function countLine(count: number | string, text: string): string {
  return `${padRight(String(count), COUNT_WIDTH)} ${text}`;
}

function framed(title: string, rows: readonly string[], lineWidth: number): string[] {
  const separator = `${'-'.repeat(COUNT_WIDTH)}|${'-'.repeat(Math.max(1, lineWidth - COUNT_WIDTH - 1))}`;
  return [countLine('# occurrences', title), separator, ...rows, separator];
}

/** "at fn (file.ts:3:9)" from a V8 stack, or undefined when there is none. */
function firstStackFrame(stack: string): string | undefined {
  return stack
    .split('\n')
    .map((line) => line.trim())
    .find((line) => line.startsWith('at '));
}
