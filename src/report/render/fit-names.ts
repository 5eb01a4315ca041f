import { textWidth } from './text-cells.ts';

const ELLIPSIS = '…';

/**
 * Labels for `names` at most `width` columns wide, for a table narrower than its longest name. A name
 * that fits is kept; a longer one is cut in the middle ("/api/v1/cu…{orderId}"), where paths differ
 * least. A cut is only used if no other name could hide behind it (none starts with its head and ends
 * with its tail), so the table never makes two endpoints look alike; the cut moves until that holds,
 * and a name without such a cut within `width` is shown in full.
 */
export function fitNames(names: readonly string[], width: number): Map<string, string> {
  const distinct = [...new Set(names)].sort();
  const labels = new Map<string, string>();
  for (const name of distinct) {
    if (textWidth(name) <= width) {
      labels.set(name, name);
      continue;
    }
    const others = distinct.filter((other) => other !== name);
    const cut = middleCuts(name, width).find(
      ({ head, tail }) => !others.some((other) => couldBe(other, head, tail)),
    );
    labels.set(name, cut ? cut.head + ELLIPSIS + cut.tail : name);
  }
  return labels;
}

/** Whether a reader could take "head…tail" for `name`. */
function couldBe(name: string, head: string, tail: string): boolean {
  return name.startsWith(head) && name.endsWith(tail) && textWidth(name) >= textWidth(head) + textWidth(tail);
}

/** Every way to keep `width - 1` code points around an ellipsis, the most balanced first. */
function middleCuts(name: string, width: number): { head: string; tail: string }[] {
  const points = Array.from(name);
  const kept = width - 1;
  if (kept < 2) return [];
  const balanced = Math.ceil(kept / 2);
  const cuts: { head: string; tail: string }[] = [];
  for (let shift = 0; shift < kept; shift++) {
    for (const headLength of shift === 0 ? [balanced] : [balanced - shift, balanced + shift]) {
      const tailLength = kept - headLength;
      if (headLength < 1 || tailLength < 1) continue;
      cuts.push({
        head: points.slice(0, headLength).join(''),
        tail: points.slice(points.length - tailLength).join(''),
      });
    }
  }
  return cuts;
}
