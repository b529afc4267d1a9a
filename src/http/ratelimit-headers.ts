import type { RateLimitResult } from '../store/port.js';

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/**
 * IETF httpapi RateLimit fields (draft-ietf-httpapi-ratelimit-headers): `RateLimit-Policy`
 * declares each policy (q = quota units, w = window in seconds), `RateLimit` what is left of
 * each (r = remaining, t = seconds until the window resets). `Retry-After` on a refusal.
 */
export function rateLimitHeaders(result: RateLimitResult): Record<string, string> {
  const headers: Record<string, string> = {
    'RateLimit-Policy': result.states
      .map((s) => `"${s.name}";q=${s.limit};w=${seconds(s.windowMs)}`)
      .join(', '),
    RateLimit: result.states.map((s) => `"${s.name}";r=${s.remaining};t=${seconds(s.resetMs)}`).join(', '),
  };
  const refused = result.states.find((s) => s.name === result.exceeded);
  if (refused !== undefined) headers['Retry-After'] = String(seconds(refused.resetMs));
  return headers;
}
