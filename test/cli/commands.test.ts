import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { COMMANDS } from '../../src/cli/commands.ts';
import type { CliIo } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';

async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = { stdout: '', stderr: '' };
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  stdout.on('data', (d) => {
    out.stdout += d;
  });
  stderr.on('data', (d) => {
    out.stderr += d;
  });
  const io: CliIo = { stdout, stderr, env: {}, cwd: process.cwd() };
  const code = await main(argv, io);
  return { code, ...out };
}

test('volley --help lists every command of the table with its help line', async () => {
  const { code, stdout } = await cli(['--help']);
  assert.equal(code, 0);
  for (const command of COMMANDS) {
    assert.match(
      stdout,
      new RegExp(`^  volley ${command.name} .*${escapeRegExp(command.help)}$`, 'm'),
      command.name,
    );
  }
});

test('every command of the table loads and answers --help with its usage, exit 0', async () => {
  for (const command of COMMANDS) {
    const { code, stdout, stderr } = await cli([command.name, '--help']);
    assert.equal(code, 0, `${command.name}: ${stderr}`);
    assert.match(stdout, new RegExp(`^Usage: volley ${command.name}\\b`, 'm'), command.name);
  }
});

test('an unknown command is one line naming it, exit 2', async () => {
  const { code, stderr } = await cli(['frobnicate']);
  assert.equal(code, 2);
  assert.equal(stderr, 'volley: unknown command "frobnicate"; try volley --help\n');
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
