import { decodeContent } from './content-encoding.ts';
import { describeNetworkError, messageOf } from './errors.ts';
import type { Exchange } from './exchange.ts';
import { MAX_REDIRECTS } from './redirect.ts';
import { type ChainStart, HttpResponse, joinChunks } from './response.ts';
import { statusFailure } from './status.ts';
import type { RequestOptions } from './types.ts';

/**
 * How an exchange fared, before the script's check: the response, failed with the first that
 * applies of a network error, too many redirects, an undecodable body, or an unexpected status.
 */
export function outcomeOf(
  final: Exchange,
  url: string,
  chain: ChainStart | null,
  tooManyRedirects: boolean,
  keepBody: boolean,
  expect: RequestOptions['expect'],
): HttpResponse {
  let failure: string | null = null;
  let decoded: Buffer | null = null;
  if (final.error !== null) {
    failure = describeNetworkError(final.error);
  } else if (tooManyRedirects) {
    failure = `too many redirects (more than ${MAX_REDIRECTS})`;
  } else {
    const encoding = final.headers['content-encoding'];
    if (encoding !== undefined && keepBody && final.received > 0) {
      try {
        decoded = decodeContent(joinChunks(final), encoding);
      } catch (error) {
        failure = `invalid ${encoding} body (${messageOf(error)})`;
      }
    }
    failure ??= statusFailure(final.status, expect);
  }
  const response = new HttpResponse(url, final, chain, !keepBody, decoded);
  if (failure !== null) response.fail(failure);
  return response;
}
