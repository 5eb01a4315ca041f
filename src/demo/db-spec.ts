import { DbSpecError } from './errors.ts';

/** Where the demo keeps its data: a SQLite file (temporary unless named) or a PostgreSQL database. */
export type DbSpec = { kind: 'sqlite'; file?: string } | { kind: 'postgres'; url: string };

/** Parses the `db` option: `sqlite`, `sqlite:FILE`, or `postgres://…` / `postgresql://…`. */
export function parseDbSpec(spec: string | undefined): DbSpec {
  const text = (spec ?? 'sqlite').trim();
  if (text === 'sqlite') return { kind: 'sqlite' };
  if (text.startsWith('sqlite:')) {
    const file = text.slice('sqlite:'.length);
    if (file === '' || file.startsWith('//')) throw new DbSpecError(text);
    return { kind: 'sqlite', file };
  }
  if (/^postgres(ql)?:\/\/[^/]/.test(text)) {
    try {
      new URL(text);
    } catch {
      throw new DbSpecError(text);
    }
    return { kind: 'postgres', url: text };
  }
  throw new DbSpecError(text);
}

/** The spec for log lines, with any password hidden. */
export function describeDbSpec(spec: DbSpec): string {
  if (spec.kind === 'sqlite')
    return spec.file === undefined ? 'sqlite (temporary file)' : `sqlite:${spec.file}`;
  const url = new URL(spec.url);
  if (url.password !== '') url.password = '***';
  return url.toString();
}
