import type { EndpointSummary } from '../../metrics/summary.ts';
import { fitNames } from './fit-names.ts';
import { columnWidth } from './text-cells.ts';

/** The Type and Name columns, shared by every table of one report so that they line up. */
export interface NameColumn {
  typeWidth: number;
  nameWidth: number;
  /** What to print for an endpoint name: the name itself, or a unique middle cut when space is short. */
  label(name: string): string;
}

/** Locust's STATS_TYPE_WIDTH: "DELETE " fits. */
const MIN_TYPE_WIDTH = 8;
/** Below this a cut name says too little; the line wraps instead. */
const MIN_CUT_NAME_WIDTH = 16;

/**
 * Name is as wide as the longest name (Locust cuts at a fixed width; we never make names ambiguous).
 * `maxLineWidth` (the terminal's columns) minus `fixedWidth` (everything else on the widest line) caps
 * it; names then get unique middle cuts.
 */
export function nameColumn(
  rows: readonly EndpointSummary[],
  options: { fixedWidth: number; maxLineWidth?: number | undefined },
): NameColumn {
  const typeWidth =
    columnWidth(
      MIN_TYPE_WIDTH - 1,
      rows.map((r) => r.method),
    ) + 1;
  const names = rows.map((r) => r.name);
  const fullWidth = columnWidth('Name'.length, names);
  const available =
    options.maxLineWidth === undefined ? fullWidth : options.maxLineWidth - options.fixedWidth - typeWidth;
  if (fullWidth <= available) return { typeWidth, nameWidth: fullWidth, label: (name) => name };
  const labels = fitNames(names, Math.max(available, MIN_CUT_NAME_WIDTH));
  const nameWidth = columnWidth('Name'.length, [...labels.values()]);
  return { typeWidth, nameWidth, label: (name) => labels.get(name) ?? name };
}
