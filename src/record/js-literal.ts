/** Printing values as TypeScript source: literals, with some leaves replaced by expressions. */

const EXPR: unique symbol = Symbol('expression');

/** A piece of code standing where a literal would be. */
export interface Expr {
  readonly [EXPR]: string;
}

export type Printable = null | boolean | number | string | Expr | Printable[] | { [key: string]: Printable };

export function expr(code: string): Expr {
  return { [EXPR]: code };
}

export function isExpr(value: unknown): value is Expr {
  return typeof value === 'object' && value !== null && EXPR in value;
}

/** A single-quoted string literal. */
export function quote(text: string): string {
  const json = JSON.stringify(text).slice(1, -1).replaceAll('\\"', '"').replaceAll("'", "\\'");
  return `'${json}'`;
}

/** A template literal body (without backticks) for literal text. */
export function templateText(text: string): string {
  return text.replaceAll('\\', '\\\\').replaceAll('`', '\\`').replaceAll('${', '\\${');
}

function key(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? name : quote(name);
}

/** Source for a value; objects and arrays break over lines when they would not fit in `width`. */
export function print(value: Printable, indent = '', width = 100): string {
  if (isExpr(value)) return value[EXPR];
  if (value === null || typeof value === 'boolean' || typeof value === 'number') return String(value);
  if (typeof value === 'string') return quote(value);
  const inner = `${indent}  `;
  const parts = Array.isArray(value)
    ? value.map((v) => print(v, inner, width))
    : Object.entries(value).map(([k, v]) => `${key(k)}: ${print(v, inner, width)}`);
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  if (parts.length === 0) return `${open}${close}`;
  const flat = Array.isArray(value) ? `[${parts.join(', ')}]` : `{ ${parts.join(', ')} }`;
  if (flat.length + indent.length <= width && !flat.includes('\n')) return flat;
  return `${open}\n${parts.map((p) => `${inner}${p},`).join('\n')}\n${indent}${close}`;
}
