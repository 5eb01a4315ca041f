import type { Har, HarEntry, HarNameValue } from './har.ts';
import { requestCookies, responseCookies } from './headers.ts';
import type { Redactor } from './redaction.ts';

/**
 * Entries with their secrets replaced, ready to be written. Two passes: redact the configured headers and
 * JSON paths (learning each secret's placeholder), then replace those secret values wherever else they
 * appear, so a token copied into another header or body is hidden too and still correlates on replay.
 */
export function redactEntries(
  entries: readonly HarEntry[],
  redactor: Redactor,
  extended: Har | null,
): HarEntry[] {
  if (extended !== null) redactor.continueAfter(JSON.stringify(extended.log.entries));
  const copies = entries.map((entry) => structuredClone(entry));
  for (const entry of copies) {
    const { request, response } = entry;
    request.headers = request.headers.map((h) => ({ name: h.name, value: redactor.header(h.name, h.value) }));
    if (request.postData?.text !== undefined) {
      request.postData.text = redactor.body(request.postData.text, request.postData.mimeType);
    }
    response.headers = response.headers.map((h) => ({
      name: h.name,
      value: redactor.header(h.name, h.value),
    }));
    const content = response.content;
    if (content.text !== undefined && content.encoding === undefined) {
      content.text = redactor.body(content.text, content.mimeType);
    }
  }
  const secrets = redactor.knownSecrets();
  const scrub = (text: string): string => {
    let out = text;
    for (const [value, placeholder] of secrets)
      if (out.includes(value)) out = out.replaceAll(value, placeholder);
    return out;
  };
  const scrubHeaders = (list: HarNameValue[]): HarNameValue[] =>
    list.map((h) => ({ name: h.name, value: scrub(h.value) }));
  for (const entry of copies) {
    const { request, response } = entry;
    request.headers = scrubHeaders(request.headers);
    request.cookies = requestCookies(request.headers);
    if (request.postData?.text !== undefined) request.postData.text = scrub(request.postData.text);
    response.headers = scrubHeaders(response.headers);
    response.cookies = responseCookies(response.headers);
    const content = response.content;
    if (content.text !== undefined && content.encoding === undefined) {
      content.text = scrub(content.text);
      content.size = Buffer.byteLength(content.text);
    }
  }
  return copies;
}
