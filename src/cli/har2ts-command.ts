import type { ParseArgsOptionsConfig } from 'node:util';
import { readHar } from '../record/cassette.ts';
import { harToScenario } from '../record/har2ts.ts';
import type { CliIo } from './io.ts';
import { parseCliArgs } from './parse-args.ts';
import { UsageError } from './usage-error.ts';

const OPTIONS: ParseArgsOptionsConfig = {
  host: { type: 'string', short: 'H' },
  'allow-host': { type: 'string', multiple: true },
  'keep-static': { type: 'boolean' },
  drop: { type: 'string', multiple: true },
  gap: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};

export const HAR2TS_HELP = `Usage: volley har2ts FILE.har [options] > scenario.ts

Turns a HAR (browser dev tools, a proxy, or a volley --record) into a typed scenario: static assets and
third-party hosts dropped, a task per burst of requests with the recorded think time after it, and
values from earlier responses (ids, tokens, CSRF values; JSON, headers, cookies) correlated into later
requests.

Options:
  -H, --host URL           the origin under test (default: the one with the most requests)
      --allow-host HOST    also keep requests to this host (repeatable)
      --keep-static        keep scripts, styles, images, fonts and media
      --drop REGEX         drop requests whose URL matches (repeatable)
      --gap SECONDS        a pause this long starts a new task (default 1)
`;

export async function har2tsCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCliArgs(args, OPTIONS, 'volley har2ts');
  if (values.help) {
    io.stdout.write(HAR2TS_HELP);
    return 0;
  }
  const [file, ...extra] = positionals;
  if (file === undefined || extra.length > 0)
    throw new UsageError('expected one HAR file: volley har2ts FILE.har');
  const gap = values.gap === undefined ? 1 : Number(values.gap);
  if (!Number.isFinite(gap) || gap < 0)
    throw new UsageError(`--gap: expected seconds ≥ 0, got "${values.gap}"`);
  const har = await readHar(file.startsWith('/') ? file : `${io.cwd}/${file}`);
  io.stdout.write(
    harToScenario(har, {
      source: file,
      gapSec: gap,
      ...(values.host !== undefined ? { origin: values.host as string } : {}),
      ...(values['allow-host'] !== undefined ? { allowHosts: values['allow-host'] as string[] } : {}),
      ...(values.drop !== undefined ? { drop: values.drop as string[] } : {}),
      keepStatic: values['keep-static'] === true,
    }),
  );
  return 0;
}
