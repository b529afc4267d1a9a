import type { MiddlewareHandler } from 'hono';

/** Headers for JSON APIs that are never framed, sniffed, cached or given a referrer. */
export const SECURITY_HEADERS: Record<string, string> = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'cross-origin-resource-policy': 'same-origin',
};

export function securityHeaders(hsts: boolean): MiddlewareHandler {
  return async (c, next) => {
    await next();
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
      if (!c.res.headers.has(name)) c.res.headers.set(name, value);
    }
    // Only over TLS: a browser ignores HSTS on plain HTTP, and a local demo must not pin it.
    if (hsts) c.res.headers.set('strict-transport-security', 'max-age=63072000; includeSubDomains');
  };
}
