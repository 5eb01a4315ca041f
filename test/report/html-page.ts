import assert from 'node:assert/strict';
import type { RunSummary } from '../../src/metrics/summary.ts';
import { REPORTED_PERCENTILES } from '../../src/metrics/summary.ts';

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" };

export function unescapeHtml(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39);/g, (_, e: string) => ENTITIES[e] ?? '');
}

/** The JSON embedded as `<script type="application/json" id="…">`. */
export function embeddedJson(html: string, id: string): unknown {
  const m = new RegExp(`<script type="application/json" id="${id}">([\\s\\S]*?)</script>`).exec(html);
  assert.ok(m, `no #${id} in the page`);
  return JSON.parse(m[1] ?? '');
}

/** A `<section id="…">` of the page. */
export function section(html: string, id: string): string {
  const start = html.indexOf(`id="${id}"`);
  assert.ok(start !== -1, `no section #${id}`);
  return html.slice(start, html.indexOf('</section>', start));
}

/** Rows of an endpoint table: endpoint key ("GET /x", "Aggregated") → cell attribute value → cell text. */
export function endpointCells(html: string, id: string, attribute: string): Map<string, Map<string, string>> {
  const rows = new Map<string, Map<string, string>>();
  for (const row of section(html, id).matchAll(/<tr[^>]*data-endpoint="([^"]*)"[^>]*>([\s\S]*?)<\/tr>/g)) {
    const cells = new Map<string, string>();
    for (const cell of (row[2] ?? '').matchAll(
      new RegExp(`<td([^>]*)${attribute}="([^"]*)"([^>]*)>([^<]*)</td>`, 'g'),
    )) {
      // Figures show 3 digits; the exact number is the cell's data-value.
      const exact = /data-value="([^"]*)"/.exec(`${cell[1]} ${cell[3]}`)?.[1];
      cells.set(cell[2] ?? '', exact ?? cell[4] ?? '');
    }
    rows.set(unescapeHtml(row[1] ?? ''), cells);
  }
  return rows;
}

const STAT_FIELDS = [
  'requests',
  'failures',
  'avgMs',
  'minMs',
  'maxMs',
  'medianMs',
  'avgContentBytes',
  'rps',
  'failuresPerSec',
] as const;

/** Every number of the statistics and percentile tables is the summary's, digit for digit. */
export function assertTablesMatchSummary(html: string, summary: RunSummary): void {
  const stats = endpointCells(html, 'statistics', 'data-field');
  const percentiles = endpointCells(html, 'percentiles', 'data-percentile');
  const rows = [...summary.endpoints, summary.aggregated];
  assert.equal(stats.size, rows.length);
  assert.equal(percentiles.size, rows.length);
  for (const e of rows) {
    const key = e.method === '' ? e.name : `${e.method} ${e.name}`;
    const statCells = stats.get(key);
    const percentileCells = percentiles.get(key);
    assert.ok(statCells && percentileCells, `no row for ${key}`);
    for (const field of STAT_FIELDS) {
      assert.equal(Number(statCells.get(field)), e[field], `${key} ${field}`);
    }
    for (const p of REPORTED_PERCENTILES) {
      assert.equal(Number(percentileCells.get(String(p))), e.percentiles[String(p)], `${key} p${p}`);
    }
  }
}
