/** Flags the Start form stands in for, and the labels the user sees there. */
const FIELDS: readonly [RegExp, string][] = [
  [/pass -H\/--host/g, 'fill in Host, e.g.'],
  [/(?:-u\/)?--users\b/g, 'Number of users'],
  [/(?:-r\/)?--spawn-rate\b/g, 'Spawn rate'],
  [/(?:-H\/)?--host\b/g, 'Host'],
  [/(?:-t\/)?--run-time\b/g, 'Run time'],
  [/(?<=\s)-T(?=\s)/g, 'Tags'],
];

/**
 * A settings error as the web UI shows it: the form's field names instead of the command line's flags
 * (`--run-time: invalid duration "ten"` → `Run time: invalid duration "ten"`); other messages as they are.
 */
export function formFieldMessage(message: string): string {
  return FIELDS.reduce((text, [flag, label]) => text.replace(flag, label), message);
}
