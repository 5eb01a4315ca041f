/** Values substituted into report paths. null leaves the placeholder as written, as Locust does. */
export interface ReportPathValues {
  /** {u}: number of users (-u). */
  users: number | null;
  /** {r}: spawn rate in users per second (-r). */
  rate: number | null;
  /** {t}: run time in seconds (-t). */
  time: number | null;
}

/**
 * Expands Locust's report-path placeholders: `{u}` users, `{r}` spawn rate, `{t}` run time in seconds,
 * e.g. "report_{u}u_{t}s.html" → "report_50u_60s.html". Like Locust (process_html_filename) every
 * occurrence is replaced with the value truncated to an integer; other braces are left alone.
 */
export function expandReportPath(template: string, values: ReportPathValues): string {
  const substitutions: [string, number | null][] = [
    ['{u}', values.users],
    ['{r}', values.rate],
    ['{t}', values.time],
  ];
  let path = template;
  for (const [placeholder, value] of substitutions) {
    if (value !== null) path = path.replaceAll(placeholder, String(Math.trunc(value)));
  }
  return path;
}
