import type { Context } from 'hono';
import type { Env } from './env.js';
import { requestHeader } from './request-header.js';

/** A coding of the request body that the platform does not decode, by the header that names it. */
export type UndecodedCoding = 'content' | 'transfer';

/**
 * Whether the body arrives in a coding the platform does not decode: a content coding other
 * than `identity` (gzip, br, …; RFC 9110 §8.4.1), or a transfer coding other than `chunked`
 * (RFC 9112 §6.1), which Node's parser passes on undecoded. Such a body is refused, never read
 * as if it were plain: a gateway or WAF in front that decodes it would have inspected another.
 */
export function undecodedCoding(c: Context<Env>): UndecodedCoding | undefined {
  if (names(requestHeader(c, 'content-encoding')).some((n) => n !== 'identity')) return 'content';
  if (names(requestHeader(c, 'transfer-encoding')).some((n) => n !== 'chunked')) return 'transfer';
  return undefined;
}

const names = (header: string | undefined): string[] =>
  header === undefined
    ? []
    : header
        .split(',')
        .map((name) => name.trim().toLowerCase())
        .filter((name) => name !== '');

/** RFC 9110 §12.5.3: a refusal for a content coding names the one coding accepted. */
export const refusalHeaders = (coding: UndecodedCoding): Record<string, string> =>
  coding === 'content' ? { 'Accept-Encoding': 'identity' } : {};

/** What the refusal says, per header. */
export const CODING_REFUSED: Record<UndecodedCoding, string> = {
  content: 'Content-Encoding is not supported.',
  transfer: 'Transfer-Encoding other than chunked is not supported.',
};
