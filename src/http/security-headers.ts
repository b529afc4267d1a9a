import type { Context } from 'hono';

/** Headers for JSON APIs that are never framed, sniffed, cached or given a referrer. */
export const SECURITY_HEADERS: Record<string, string> = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'cross-origin-resource-policy': 'same-origin',
};

const HSTS = ['strict-transport-security', 'max-age=63072000; includeSubDomains'] as const;

/**
 * Every response carries these headers unless its route sets one itself (the JWKS is cacheable,
 * the consent page has its own policy). They are set on the context before the route runs, so
 * that each response (error answers included, which on-error.ts builds through the same context)
 * is created with them: a route's own value replaces the default as a later `set` would, and the
 * response's headers are written once instead of being re-read and completed after `next()`.
 */
export function securityHeaders(hsts: boolean): (c: Context) => void {
  // Only over TLS: a browser ignores HSTS on plain HTTP, and a local demo must not pin it.
  const entries = Object.entries(SECURITY_HEADERS).concat(hsts ? [[...HSTS]] : []);
  return (c) => {
    for (const [name, value] of entries) c.header(name, value);
  };
}
