import type { Context } from 'hono';
import type { Env } from './env.js';
import { requestHeader } from './request-header.js';

/**
 * True when the body is declared in a content coding other than `identity` (gzip, br, …). The
 * platform decodes none (RFC 9110 §8.4.1): such a body is refused, never read as if it were
 * plain, which a gateway or WAF that does decode would see differently.
 */
export function hasContentCoding(c: Context<Env>): boolean {
  const codings = requestHeader(c, 'content-encoding');
  if (codings === undefined) return false;
  return codings.split(',').some((coding) => {
    const name = coding.trim().toLowerCase();
    return name !== '' && name !== 'identity';
  });
}

/** RFC 9110 §12.5.3: a refusal for the coding names the one coding accepted. */
export const acceptIdentity = (): Record<string, string> => ({ 'Accept-Encoding': 'identity' });
