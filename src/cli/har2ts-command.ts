import type { CliIo } from './main.ts';

export async function har2tsCommand(_args: readonly string[], _io: CliIo): Promise<number> {
  return 2;
}
