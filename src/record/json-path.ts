import { RecordingError } from './recording-error.ts';

/**
 * The small JSONPath subset redaction needs: `$.a.b`, `$..name` (at any depth), `$.list[*].x`, `$.list[0]`,
 * `$['odd key']`. Enough to name where secrets live; no filters or slices.
 */
export type PathStep =
  | { kind: 'child'; key: string }
  | { kind: 'descendant'; key: string }
  | { kind: 'index'; index: number | '*' };

const STEP = /^(?:\.\.([\w$-]+|\*)|\.([\w$-]+|\*)|\[(\d+|\*)\]|\['([^']+)'\]|\["([^"]+)"\])/;

export function parseJsonPath(path: string): PathStep[] {
  if (!path.startsWith('$')) throw new RecordingError(`--redact-json-path: "${path}" must start with $`);
  const steps: PathStep[] = [];
  let rest = path.slice(1);
  while (rest.length > 0) {
    const m = STEP.exec(rest);
    if (m === null) throw new RecordingError(`--redact-json-path: cannot parse "${path}" at "${rest}"`);
    if (m[1] !== undefined) steps.push({ kind: 'descendant', key: m[1] });
    else if (m[2] !== undefined) steps.push({ kind: 'child', key: m[2] });
    else if (m[3] !== undefined) steps.push({ kind: 'index', index: m[3] === '*' ? '*' : Number(m[3]) });
    else steps.push({ kind: 'child', key: (m[4] ?? m[5]) as string });
    rest = rest.slice(m[0].length);
  }
  if (steps.length === 0) throw new RecordingError(`--redact-json-path: "${path}" names no field`);
  return steps;
}

/**
 * Calls `leaf` with every value the path points at and a setter that replaces it in place (the root
 * itself is never a match).
 */
function visitPath(
  root: unknown,
  steps: readonly PathStep[],
  leaf: (value: unknown, set: (value: unknown) => void) => void,
): void {
  const visit = (node: unknown, at: number, setter: ((v: unknown) => void) | null): void => {
    if (at === steps.length) {
      if (setter !== null) leaf(node, setter);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    const step = steps[at] as PathStep;
    const record = node as Record<string, unknown>;
    const keys = Array.isArray(node) ? node.map((_, i) => String(i)) : Object.keys(record);
    if (step.kind === 'index') {
      if (!Array.isArray(node)) return;
      for (const key of keys) {
        if (step.index === '*' || Number(key) === step.index)
          visit(record[key], at + 1, (v) => {
            record[key] = v;
          });
      }
      return;
    }
    for (const key of keys) {
      if (!Array.isArray(node) && (step.key === '*' || step.key === key)) {
        visit(record[key], at + 1, (v) => {
          record[key] = v;
        });
      }
      if (step.kind === 'descendant') visit(record[key], at, null);
    }
  };
  visit(root, 0, null);
}

/** Replaces, in place, every string the path points at; returns how many it replaced. */
export function replaceAtPath(
  root: unknown,
  steps: readonly PathStep[],
  replace: (value: string) => string,
): number {
  let count = 0;
  visitPath(root, steps, (value, set) => {
    if (typeof value !== 'string') return;
    const replaced = replace(value);
    if (replaced !== value) {
      set(replaced);
      count += 1;
    }
  });
  return count;
}

/** Sets, in place, every value the path points at (whatever its type) to `value`. */
export function setAtPath(root: unknown, steps: readonly PathStep[], value: unknown): void {
  visitPath(root, steps, (_old, set) => set(value));
}

/** The field names a path can match in a flat form body (`$.password`, `$..password`). */
export function formFieldOf(steps: readonly PathStep[]): string | null {
  const [only] = steps;
  return steps.length === 1 && only !== undefined && only.kind !== 'index' ? only.key : null;
}
