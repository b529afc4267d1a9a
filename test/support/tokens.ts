import type { TestPlatform } from './app.js';

/**
 * How the API tests obtain access tokens, in one place. Each flow names the way a real client
 * gets such a token; today the token is minted directly with the claims that flow produces, and
 * the body of `acquireToken` is the one thing to switch to the real flows (authorization code
 * with network-based authentication, CIBA / JWT-bearer with `operatortoken:` or `tel:`).
 */
export const FLOWS = {
  /** OAuth 2.0 client credentials: no subscriber. */
  clientCredentials: { threeLegged: false, amr: [] },
  /** Authorization code with network-based authentication of the device (ICM; amr nba). */
  networkBased: { threeLegged: true, amr: ['nba'] },
  /** CIBA or JWT-bearer with a GSMA TS.43 temporary token (`operatortoken:`). */
  operatorToken: { threeLegged: true, amr: ['operatortoken'] },
  /** JWT-bearer or CIBA with `login_hint=tel:`: the number is asserted, not authenticated. */
  telHint: { threeLegged: true, amr: [] },
  /** A login by SMS one-time password (RFC 8176 `sms`, `otp`). */
  smsOtp: { threeLegged: true, amr: ['sms', 'otp'] },
  /** A login by user name and password (RFC 8176 `pwd`). */
  password: { threeLegged: true, amr: ['pwd'] },
} as const satisfies Record<string, { threeLegged: boolean; amr: readonly string[] }>;

export type Flow = keyof typeof FLOWS;

export type TokenRequest = {
  flow: Flow;
  scopes: readonly string[];
  /** 3-legged flows: the subscriber the flow authenticates. */
  subscriber?: string;
  purpose?: string;
  ttlSeconds?: number;
};

export async function acquireToken(platform: TestPlatform, request: TokenRequest): Promise<string> {
  const flow = FLOWS[request.flow];
  if (flow.threeLegged && request.subscriber === undefined) {
    throw new TypeError(`${request.flow} needs a subscriber`);
  }
  return platform.token({
    scopes: request.scopes,
    purpose: request.purpose ?? 'dpv:IdentityVerification',
    ...(flow.threeLegged ? { subscriber: request.subscriber, amr: flow.amr } : {}),
    ...(request.ttlSeconds === undefined ? {} : { ttlSeconds: request.ttlSeconds }),
  });
}

/** A token that was valid and has expired (the platform's clock moves past `exp`). */
export async function expiredToken(platform: TestPlatform, request: Omit<TokenRequest, 'ttlSeconds'>) {
  const token = await acquireToken(platform, { ...request, ttlSeconds: 60 });
  platform.clock.advance(61_000);
  return token;
}

/** A well-formed JWT whose signature does not verify. */
export async function invalidToken(platform: TestPlatform, request: TokenRequest): Promise<string> {
  const token = await acquireToken(platform, request);
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const flipped = (signature.startsWith('A') ? 'B' : 'A') + signature.slice(1);
  return `${header}.${payload}.${flipped}`;
}
