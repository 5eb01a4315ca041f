/**
 * A node:test reporter that ends `npm test` with what was skipped and why, grouped by reason: a local
 * green run that left out the PostgreSQL half of the demo suite, or the browser tests, says so at the
 * bottom instead of in a line among hundreds. (CI installs and starts everything: nothing is skipped.)
 */
interface TestEvent {
  type: string;
  data: { name?: string; skip?: string | boolean; file?: string; nesting?: number };
}

export default async function* skipSummary(source: AsyncIterable<TestEvent>): AsyncGenerator<string> {
  const byReason = new Map<string, string[]>();
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const { skip, name } = event.data;
    if (skip === undefined || skip === false) continue;
    const reason = typeof skip === 'string' && skip !== '' ? skip : 'skipped without a reason';
    byReason.set(reason, [...(byReason.get(reason) ?? []), name ?? '(unnamed)']);
  }
  if (byReason.size === 0) return;
  const total = [...byReason.values()].reduce((n, names) => n + names.length, 0);
  yield `\nSkipped: ${total} test${total === 1 ? '' : 's'} did not run on this machine\n`;
  for (const [reason, names] of byReason) {
    yield `  ${names.length} × ${reason}\n`;
    for (const name of names.slice(0, 6)) yield `      ${name}\n`;
    if (names.length > 6) yield `      … and ${names.length - 6} more\n`;
  }
}
