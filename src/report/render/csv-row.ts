/** Line ending of every CSV file: RFC 4180's CRLF, which is also what Locust's Python csv.writer emits. */
export const CSV_EOL = '\r\n';

/** One field quoted per RFC 4180: only when it holds a comma, a double quote, CR or LF; quotes doubled. */
export function csvField(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One record, terminated by CRLF. */
export function csvRow(fields: readonly (string | number)[]): string {
  return fields.map(csvField).join(',') + CSV_EOL;
}
