/**
 * The trace recorder's line redactor skips parsing bodies that cannot name a secret: that shortcut must
 * never keep a secret the HAR redactor (the same rules) would replace, however the name is spelled.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import fc from 'fast-check';
import { defaultRedactionRules, Redactor } from '../../src/record/redaction.ts';
import type { InboundLine } from '../../src/trace/trace-format.ts';
import { LineRedactor, traceRedactionRules } from '../../src/trace/trace-redaction.ts';

const dir = mkdtempSync(join(tmpdir(), 'volley-line-redactor-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

function lineRedactor(redact: string[] = []): LineRedactor {
  return new LineRedactor(traceRedactionRules(redact, []), join(dir, `${++files}.secrets`), 0);
}

function inbound(responseBody: string, type = 'application/json'): InboundLine {
  return {
    t: 'in',
    p: '1',
    s: 'r1',
    at: 0,
    ms: 1,
    req: { method: 'GET', url: '/', headers: [], body: null },
    res: { status: 200, headers: [['Content-Type', type]], body: { text: responseBody } },
  };
}

/** The response body as the recording holds it, secrets learned so far scrubbed. */
function recordedBody(redactor: LineRedactor, body: string, type?: string): string {
  const line = JSON.parse(redactor.scrub(redactor.text(inbound(body, type)))) as InboundLine;
  return (line.res.body as { text: string }).text;
}

describe('the trace line redactor', () => {
  test('replaces a secret whose JSON name is escaped, spelled with spaces, or matches a glob with a star inside', () => {
    const redactor = lineRedactor(['x*y']);
    const bodies = [
      '{"\\u0074oken":"tok-escaped-0001"}',
      '{"api key":"key-spaced-0002"}',
      '{"x_long_y":"glob-star-0003"}',
      '{"X-Api-Key":"kebab-0004"}',
    ];
    for (const body of bodies) {
      const recorded = recordedBody(redactor, body);
      assert.doesNotMatch(recorded, /-000\d/, `${body} → ${recorded}`);
      assert.match(recorded, /__REDACTED_\d+__/);
    }
    const secrets = readFileSync(join(dir, `${files}.secrets`), 'utf8');
    for (const value of ['tok-escaped-0001', 'key-spaced-0002', 'glob-star-0003', 'kebab-0004'])
      assert.ok(secrets.includes(value), `${value} is kept in the secrets file`);
  });

  test('keeps a body naming no secret exactly as the application wrote it', () => {
    const body = '[ {"id": 1, "author": "Ada", "title": "on sessions of parliament"} ]';
    assert.equal(recordedBody(lineRedactor(), body), body);
  });

  test('redacts every body as the HAR redactor with the same rules does', () => {
    const names = ['token', 'api_key', 'apiKey', 'Pass Word', 'author', 'sid', 'x', 'session-id', 'sig'];
    const value = fc.stringMatching(/^[a-z0-9-]{8,12}$/);
    const key = fc.oneof(
      fc.constantFrom(...names),
      fc.constantFrom(...names).map((name) => JSON.stringify(name).slice(1, -1).replace('t', '\\u0074')),
    );
    const object = fc.dictionary(key, value, { minKeys: 1, maxKeys: 4 });
    fc.assert(
      fc.property(fc.array(object, { minLength: 1, maxLength: 3 }), (objects) => {
        const body = JSON.stringify(objects).replaceAll('\\\\u0074', '\\u0074');
        const expected = new Redactor(defaultRedactionRules({})).body(body, 'application/json');
        assert.equal(recordedBody(lineRedactor(), body), expected);
      }),
      { numRuns: 200 },
    );
  });
});
