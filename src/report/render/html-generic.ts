import { escapeHtml } from './html-escape.ts';

/**
 * Renders a summary section volley's HTML report has no dedicated layout for (e.g. `arrivals`,
 * `capacity`) as plain tables: an object as key/value rows, an array of objects as a table with one
 * column per key, an array of plain values as a list. Nested values are rendered the same way, a few
 * levels deep, then as JSON. Every string is escaped.
 */
export function renderGenericValue(value: unknown, depth = 0): string {
  if (value === null || value === undefined) return '<span class="empty">—</span>';
  if (typeof value !== 'object') return escapeHtml(plainText(value));
  if (depth >= 3) return `<code>${escapeHtml(JSON.stringify(value))}</code>`;
  if (Array.isArray(value)) {
    if (value.length === 0) return '<span class="empty">none</span>';
    if (value.every(isPlainObject)) return objectsTable(value as Record<string, unknown>[], depth);
    return `<ul>${value.map((v) => `<li>${renderGenericValue(v, depth + 1)}</li>`).join('')}</ul>`;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return '<span class="empty">none</span>';
  const rows = entries.map(
    ([key, v]) => `<tr><th scope="row">${escapeHtml(humanize(key))}</th><td>${cell(v, depth)}</td></tr>`,
  );
  return `<table class="kv"><tbody>${rows.join('')}</tbody></table>`;
}

function objectsTable(rows: readonly Record<string, unknown>[], depth: number): string {
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const head = keys.map((k) => `<th>${escapeHtml(humanize(k))}</th>`).join('');
  const body = rows
    .map((r) => `<tr>${keys.map((k) => `<td${numClass(r[k])}>${cell(r[k], depth)}</td>`).join('')}</tr>`)
    .join('');
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

function cell(value: unknown, depth: number): string {
  return renderGenericValue(value, depth + 1);
}

function numClass(value: unknown): string {
  return typeof value === 'number' ? ' class="num"' : '';
}

function plainText(value: unknown): string {
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'N/A';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return String(value);
}

function isPlainObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** "droppedArrivals" → "Dropped arrivals", "p95_ms" → "P95 ms". */
export function humanize(key: string): string {
  const words = key
    .replace(/([a-z\d])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
