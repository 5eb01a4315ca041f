import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { startServer, type TestServer } from '../helpers/servers.ts';

const dir = mkdtempSync(join(tmpdir(), 'volley-terminal-'));
let server: TestServer;
before(async () => {
  server = await startServer((_req, res) => {
    res.statusCode = 500;
    res.end('no');
  });
});
after(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

// biome-ignore lint/suspicious/noControlCharactersInRegex: looking for control characters is the point
const ACTING = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

test('names and messages a scenario or server controls reach the terminal with their controls visible', async () => {
  writeFileSync(
    join(dir, 'hostile.ts'),
    `import { user } from 'volley';
export default user({ tasks: [async (vu) => {
  await vu.http.get('/', { name: '/a\\x1b[2J\\rb' });
  throw new Error('boom \\x1b[31mred\\x07');
}] });
`,
  );
  const r = await runCli(['run', 'hostile.ts', '-H', server.url, '-i', '1'], { cwd: dir });
  assert.equal(r.code, 1, r.stderr);
  assert.doesNotMatch(r.stdout, ACTING);
  assert.doesNotMatch(r.stderr, ACTING);
  assert.ok(r.stdout.includes('/a\\x1b[2J\\rb'), r.stdout);
  assert.ok(r.stdout.includes('boom \\x1b[31mred\\x07'), r.stdout);
});

test('an error message on the way out too', async () => {
  writeFileSync(join(dir, 'throws.ts'), "throw new Error('at load \\x1b]0;title\\x07');\n");
  const r = await runCli(['run', 'throws.ts', '-H', server.url], { cwd: dir });
  assert.equal(r.code, 2, r.stderr);
  assert.doesNotMatch(r.stderr, ACTING);
  assert.ok(r.stderr.includes('at load \\x1b]0;title\\x07'), r.stderr);
});
