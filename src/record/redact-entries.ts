import { mapEncodedText } from './encoded-body.ts';
import type { Har, HarContent, HarEntry, HarNameValue, HarPostData } from './har.ts';
import { findValue, queryList, requestCookies, responseCookies } from './headers.ts';
import type { Redactor } from './redaction.ts';

/**
 * Entries with their secrets replaced, ready to be written. Two passes: redact by the rules (learning
 * each secret's placeholder), then replace the learned values wherever else they appear, also before the
 * exchange that revealed them: in URLs, headers, bodies and error messages.
 */
export function redactEntries(
  entries: readonly HarEntry[],
  redactor: Redactor,
  extended: Har | null,
): HarEntry[] {
  if (extended !== null) redactor.continueAfter(JSON.stringify(extended.log.entries));
  const copies = entries.map((entry) => structuredClone(entry));
  redactInPlace(copies, redactor);
  return copies;
}

/** `redactEntries` on entries the caller owns (`volley capture`'s): no copies. */
export function redactInPlace(entries: readonly HarEntry[], redactor: Redactor): void {
  for (const { request, response } of entries) {
    request.url = redactor.url(request.url);
    request.headers = redactor.headers(request.headers);
    if (request.postData !== undefined) redactPostData(request.postData, redactor);
    response.headers = redactor.headers(response.headers);
    if (response.redirectURL !== '') response.redirectURL = redactor.url(response.redirectURL);
    mapContentText(response.content, response.headers, (t) => redactor.body(t, response.content.mimeType));
  }
  for (const entry of entries) scrubLearned(entry, redactor);
}

/**
 * The second pass alone: every secret learned so far replaced wherever it appears in an entry already
 * redacted (in place). Run again on earlier entries when a later exchange reveals a secret.
 */
export function scrubLearned(entry: HarEntry, redactor: Redactor): void {
  const { request, response } = entry;
  const text = (value: string) => redactor.text(value);
  request.url = text(request.url);
  request.queryString = queryList(request.url);
  for (const h of request.headers) h.value = text(h.value);
  request.cookies = requestCookies(request.headers);
  const post = request.postData;
  if (post?.text !== undefined) post.text = text(post.text);
  for (const param of post?.params ?? []) if (param.value !== undefined) param.value = text(param.value);
  for (const h of response.headers) h.value = text(h.value);
  response.cookies = responseCookies(response.headers);
  response.redirectURL = text(response.redirectURL);
  if (response._error !== undefined) response._error = text(response._error);
  mapContentText(response.content, response.headers, text);
}

/** Rewrites a response body's text: plain, or compressed (Content-Encoding) and kept so. */
function mapContentText(
  content: HarContent,
  headers: readonly HarNameValue[],
  change: (text: string) => string,
) {
  if (content.text === undefined) return;
  if (content.encoding === undefined) {
    content.text = change(content.text);
    content.size = Buffer.byteLength(content.text);
    return;
  }
  const encoding = findValue(headers, 'content-encoding');
  if (encoding !== undefined) content.text = mapEncodedText(content.text, encoding, change);
}

/** A request body, and its multipart fields' values by their names. */
function redactPostData(post: HarPostData, redactor: Redactor): void {
  if (post.text !== undefined) post.text = redactor.body(post.text, post.mimeType);
  for (const param of post.params ?? []) {
    if (param.value !== undefined && param.fileName === undefined && redactor.isSecretName(param.name)) {
      param.value = redactor.secret(param.value);
    }
  }
}
