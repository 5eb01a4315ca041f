/**
 * Text for XML content and double-quoted attributes. Characters XML 1.0 cannot hold at all (most C0
 * controls, lone surrogates, U+FFFE/U+FFFF) become U+FFFD, so an odd byte in an error message cannot
 * make the whole file unreadable.
 */
export function escapeXml(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD')
    .replace(/[&<>"']/g, (c) => XML_ENTITIES[c] ?? c);
}

const XML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};
