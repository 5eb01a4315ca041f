import type { NameColumn } from './name-column.ts';

/**
 * A console table whose numeric columns are already laid out, waiting for the shared Type/Name column
 * (whose width depends on every table printed together).
 */
export interface ConsoleTable {
  /** Width of a line without the Type and Name columns. */
  readonly fixedWidth: number;
  render(column: NameColumn): string[];
}
