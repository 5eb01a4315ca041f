/** Text for HTML content and quoted attribute values: endpoint names and error messages come from users. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ENTITIES[c] ?? c);
}

const HTML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * JSON safe inside `<script type="application/json">`: `<` is written `\u003c` so that no string in the
 * data can close the script element (`</script>`) or open a comment; JSON.parse reads it back unchanged.
 * U+2028/U+2029 are escaped too, for tools that read the data as JavaScript.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
