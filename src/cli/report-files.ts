import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseDuration } from '../engine/duration.ts';
import { expandReportPath, type ReportPathValues } from '../report/path-template.ts';
import type { VolleyOptions } from '../script/options.ts';

/** What --csv PREFIX may write (the open model and a capacity search add the last two). */
const CSV_SUFFIXES = ['stats', 'stats_history', 'failures', 'exceptions', 'checks', 'arrivals', 'capacity'];

/** The values of Locust's {u} {r} {t} placeholders in report paths. */
export function reportTemplate(options: VolleyOptions): ReportPathValues {
  return {
    users: options.users ?? 1,
    rate: options.spawnRate ?? options.users ?? 1,
    time: options.runTime !== undefined ? parseDuration(options.runTime, '--run-time') : null,
  };
}

/** The report paths the settings ask for, placeholders filled in as the reporters fill them. */
function reportPaths(options: VolleyOptions): string[] {
  const template = reportTemplate(options);
  const paths: string[] = [];
  if (options.html) paths.push(expandReportPath(options.html, template));
  if (options.jsonFile) paths.push(expandReportPath(options.jsonFile, template));
  if (options.junit) paths.push(expandReportPath(options.junit, template));
  if (options.csv) {
    const prefix = expandReportPath(options.csv, template);
    paths.push(...CSV_SUFFIXES.map((suffix) => `${prefix}_${suffix}.csv`));
  }
  return paths;
}

/** "Reports:" and the files the run wrote, one a line, so nobody has to guess where they went; "" for none. */
export function reportFilesText(options: VolleyOptions, cwd: string): string {
  const written = reportPaths(options).filter((path) => existsSync(resolve(cwd, path)));
  return written.length === 0 ? '' : `\nReports:\n${written.map((path) => `  ${path}\n`).join('')}`;
}
