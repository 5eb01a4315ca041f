import { Correlator } from './correlation.ts';
import { templatePath } from './endpoint-template.ts';
import type { Har, HarEntry } from './har.ts';
import { type FilteredHar, filterHar, type HarFilterOptions } from './har-filter.ts';
import { type Expr, expr, type Printable, print, quote, templateText } from './js-literal.ts';

export interface Har2TsOptions extends HarFilterOptions {
  /** A pause of at least this many seconds between requests starts a new task (default 1). */
  gapSec?: number;
  /** Where the HAR came from, for the header comment. */
  source?: string;
}

/** Request headers the HTTP client sets itself, or that only a browser sends. */
const DROPPED_HEADERS =
  /^(?::.*|host|connection|content-length|accept-encoding|user-agent|cookie|origin|referer|sec-.*|pragma|cache-control|if-none-match|if-modified-since|accept-language|upgrade-insecure-requests|dnt|te|priority|keep-alive|content-type)$/i;

interface Step {
  index: number;
  entry: HarEntry;
  /** Milliseconds of quiet before this request since the previous one ended. */
  gapMs: number;
}

function ended(entry: HarEntry): number {
  return Date.parse(entry.startedDateTime) + Math.max(0, entry.time);
}

/** Tasks: runs of requests without a pause of `gapMs` or more between them. */
function splitTasks(entries: readonly HarEntry[], gapMs: number): Step[][] {
  const tasks: Step[][] = [];
  let previous: HarEntry | null = null;
  entries.forEach((entry, index) => {
    const gap = previous === null ? 0 : Date.parse(entry.startedDateTime) - ended(previous);
    const step: Step = { index, entry, gapMs: Math.max(0, gap) };
    const current = tasks.at(-1);
    if (current === undefined || gap >= gapMs) tasks.push([step]);
    else current.push(step);
    previous = entry;
  });
  return tasks;
}

/** The request target as code: a quoted path, or a template literal with correlated segments. */
function target(
  step: number,
  url: URL,
  origin: string,
  correlator: Correlator,
): { code: string; name: string | null } {
  const segments = url.pathname.split('/');
  let dynamic = false;
  const code: string[] = [];
  for (const segment of segments) {
    const decoded = safeDecode(segment);
    const value = segment === '' ? null : correlator.use(step, decoded, null);
    if (value === null) code.push(templateText(segment));
    else {
      dynamic = true;
      code.push(`\${${exprCode(value)}}`);
    }
  }
  const dynamicPath = dynamic;
  const query: string[] = [];
  for (const [k, v] of url.searchParams) {
    const value = correlator.use(step, v, k);
    if (value !== null) dynamic = true;
    query.push(
      `${templateText(encodeURIComponent(k))}=${value === null ? templateText(encodeURIComponent(v)) : `\${encodeURIComponent(${exprCode(value)})}`}`,
    );
  }
  const path = code.join('/') + (query.length > 0 ? `?${query.join('&')}` : '');
  const prefix = `${url.origin}` === origin ? '' : templateText(url.origin);
  return {
    code: dynamic
      ? `\`${prefix}${path}\``
      : quote(`${prefix === '' ? '' : url.origin}${url.pathname}${url.search}`),
    name: endpointName(url.pathname, dynamicPath),
  };
}

/**
 * The request's name: by the rule HAR playback names the same request by (`templatePath`), so a run of
 * the scenario and a playback of the HAR report the same endpoints. Null when that is the default name
 * (the path as written) anyway; a path built from values of the run is named after the recorded one.
 */
function endpointName(pathname: string, dynamicPath: boolean): string | null {
  const name = templatePath(pathname);
  return dynamicPath || name !== pathname ? name : null;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function exprCode(value: Expr): string {
  return print(value);
}

/** A JSON body with correlated leaves replaced by expressions. */
function correlatedJson(step: number, body: unknown, correlator: Correlator): Printable {
  const replace = (value: unknown, key: string | null): Printable => {
    if (Array.isArray(value)) return value.map((v) => replace(v, key));
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replace(v, k)]));
    }
    if (typeof value === 'string') return correlator.use(step, value, key) ?? value;
    if (typeof value === 'number') {
      const used = Number.isInteger(value) ? correlator.use(step, String(value), key) : null;
      return used === null ? value : expr(`Number(${exprCode(used)})`);
    }
    return (value ?? null) as Printable;
  };
  return replace(body, null);
}

function requestOptions(step: number, entry: HarEntry, correlator: Correlator): Record<string, Printable> {
  const options: Record<string, Printable> = {};
  const headers: Record<string, Printable> = {};
  const post = entry.request.postData;
  const mime = (post?.mimeType ?? '').toLowerCase();
  for (const h of entry.request.headers) {
    if (DROPPED_HEADERS.test(h.name) && !(h.name.toLowerCase() === 'content-type' && rawBody(mime))) continue;
    const bearer = /^Bearer (.+)$/.exec(h.value);
    const whole = correlator.use(step, h.value, h.name);
    const token = bearer === null ? null : correlator.use(step, bearer[1] as string, 'token');
    headers[h.name.toLowerCase()] =
      token !== null ? expr(`\`Bearer \${${exprCode(token)}}\``) : (whole ?? h.value);
  }
  if (Object.keys(headers).length > 0) options.headers = headers;
  if (post !== undefined && post.text !== undefined && post.text !== '') {
    if (mime.includes('json')) {
      try {
        options.json = correlatedJson(step, JSON.parse(post.text), correlator);
      } catch {
        options.body = post.text;
      }
    } else if (mime.startsWith('application/x-www-form-urlencoded')) {
      const form: Record<string, Printable> = {};
      for (const [k, v] of new URLSearchParams(post.text)) form[k] = correlator.use(step, v, k) ?? v;
      options.form = form;
    } else if (mime.startsWith('multipart/form-data')) {
      const fields: Record<string, Printable> = {};
      for (const p of post.params ?? []) {
        if (p.fileName === undefined)
          fields[p.name] = correlator.use(step, p.value ?? '', p.name) ?? p.value ?? '';
      }
      options.fields = fields;
    } else if (post.text.startsWith('base64:')) {
      options.body = expr(`Buffer.from(${quote(post.text.slice(7))}, 'base64')`);
    } else {
      options.body = post.text;
    }
  }
  if (entry.response.status >= 400) options.expect = entry.response.status;
  return options;
}

function rawBody(mime: string): boolean {
  return (
    mime !== '' &&
    !mime.includes('json') &&
    !mime.startsWith('application/x-www-form-urlencoded') &&
    !mime.startsWith('multipart/')
  );
}

const METHODS = new Set(['GET', 'HEAD', 'DELETE', 'POST', 'PUT', 'PATCH']);

/**
 * Turns a HAR (a browser's, a proxy's or volley's own recording) into a readable, typed volley scenario:
 * one user walking the recorded journey in order, a task per burst of requests with the recorded think
 * time after it, dynamic values correlated from earlier responses.
 */
export function harToScenario(har: Har, options: Har2TsOptions = {}): string {
  const filtered: FilteredHar = filterHar(har.log.entries, options);
  const tasks = splitTasks(filtered.entries, (options.gapSec ?? 1) * 1000);
  const correlator = new Correlator();
  const calls = new Map<number, string>();
  for (const task of tasks) {
    for (const { index, entry } of task) {
      const url = new URL(entry.request.url);
      const method = entry.request.method.toUpperCase();
      const { code, name } = target(index, url, filtered.origin, correlator);
      const opts = requestOptions(index, entry, correlator);
      if (name !== null) opts.name = name;
      const ordered: Record<string, Printable> = {};
      for (const key of ['name', 'headers', 'json', 'form', 'fields', 'body', 'expect']) {
        const value = opts[key];
        if (value !== undefined) ordered[key] = value;
      }
      const args = Object.keys(ordered).length > 0 ? `, ${print(ordered, '      ')}` : '';
      calls.set(
        index,
        METHODS.has(method)
          ? `vu.http.${method.toLowerCase()}(${code}${args})`
          : `vu.http.request(${quote(method)}, ${code}${args})`,
      );
      correlator.learn(index, entry);
    }
  }

  const lines: string[] = [];
  const dropped = filtered.dropped;
  lines.push(
    '/**',
    ` * Generated by \`volley har2ts${options.source ? ` ${options.source}` : ''}\` from ${filtered.entries.length} request${filtered.entries.length === 1 ? '' : 's'} to ${filtered.origin}`,
    ` * (dropped: ${dropped.static} static, ${dropped.thirdParty} third-party, ${dropped.other} other). One user walks the recorded`,
    ' * journey in order: a task per burst of requests, then the think time recorded after it. Values the',
    ' * server handed out are taken from its responses; e-mails and unique names are made fresh per run.',
    ' *',
    ` *   npx volley run scenario.ts -H ${filtered.origin} -u 1 -i ${tasks.length}`,
    ' */',
  );
  const usesUnique = [...correlator.before.values()].some((l) => l.some((line) => line.includes('unique.')));
  const usesPick = [...correlator.after.values()].some((l) => l.some((line) => line.includes('pick(')));
  const imports = [
    'task',
    ...(usesUnique ? ['unique'] : []),
    'user',
    ...(usesPick ? ['type VolleyResponse'] : []),
  ];
  lines.push(`import { ${imports.join(', ')} } from 'volley';`, '');
  if (correlator.fields.length > 0) {
    lines.push('/** Values carried from one request to the next (from responses, or made up per run). */');
    lines.push('interface Journey {', ...correlator.fields.map((f) => `  ${f}: string;`), '}', '');
  } else {
    lines.push('type Journey = Record<string, never>;', '');
  }
  if (usesPick) {
    lines.push(
      "/** A value of a JSON response, by path, as text ('' when the response has no such value). */",
      'function pick(res: VolleyResponse, ...path: (string | number)[]): string {',
      "  if (!res.ok) return '';",
      '  let value: unknown = res.json();',
      '  for (const key of path) value = (value as Record<string | number, unknown> | null)?.[key];',
      "  return value === undefined || value === null ? '' : String(value);",
      '}',
      '',
    );
  }
  lines.push('export default user<Journey>({', '  sequential: true,');
  const initial = print(Object.fromEntries(correlator.fields.map((f) => [f, ''])), '  ');
  lines.push(`  state: () => (${initial}),`);
  lines.push('  tasks: [');
  tasks.forEach((task, t) => {
    const first = task[0]?.entry;
    const title =
      first === undefined
        ? `step ${t + 1}`
        : `${t + 1}. ${first.request.method} ${new URL(first.request.url).pathname}`;
    lines.push(`    task({ name: ${quote(title)} }, async (vu) => {`);
    for (const { index } of task) {
      for (const line of correlator.before.get(index) ?? []) lines.push(`      ${line}`);
      const call = calls.get(index) ?? '';
      lines.push(
        correlator.needsResponse(index) ? `      const r${index} = await ${call};` : `      await ${call};`,
      );
      for (const line of correlator.after.get(index) ?? []) lines.push(`      ${line}`);
    }
    const next = tasks[t + 1]?.[0];
    if (next !== undefined) {
      const seconds = Math.round(next.gapMs / 100) / 10;
      lines.push(`      await vu.sleep(${seconds}); // think time as recorded`);
    }
    lines.push('    }),');
  });
  lines.push('  ],', '});', '');
  return lines.join('\n');
}
