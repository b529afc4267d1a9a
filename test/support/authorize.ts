import { expect } from 'vitest';
import {
  fromDevice,
  FRAUD,
  GRANTS,
  ISSUER,
  locationOf,
  pkce,
  REDIRECT_URI,
  tokenRequest,
  type FlowsPlatform,
  type TestClient,
} from './flows.js';

/** Helpers of the authorization code tests (test/api/auth-authorize*.test.ts). */

export type Tokens = {
  access_token: string;
  id_token?: string;
  refresh_token?: string;
  scope: string;
  expires_in: number;
};

export const DEVICE: { ip: string; port?: number } = { ip: '198.51.100.1' }; // SUBSCRIBER.swapped's device (any port)
export const SCOPE = `openid ${FRAUD} sim-swap:check`;

export async function authorizeParams(p: FlowsPlatform, overrides: Record<string, string | undefined> = {}) {
  const { verifier, challenge } = await pkce();
  const params: Record<string, string | undefined> = {
    response_type: 'code',
    client_id: p.client.clientId,
    redirect_uri: REDIRECT_URI,
    scope: SCOPE,
    state: 'state-123',
    nonce: 'nonce-456',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...overrides,
  };
  const query = new URLSearchParams(
    Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined),
  );
  return { query, verifier };
}

export async function authorize(
  p: FlowsPlatform,
  overrides: Record<string, string | undefined> = {},
  peer = DEVICE,
) {
  const { query, verifier } = await authorizeParams(p, overrides);
  const res = await fromDevice(p.app, `/oauth2/authorize?${query}`, peer);
  return { res, verifier };
}

/** The redirect back to the client: its URI, then `error` or `code`, `state` and `iss`. */
export function redirected(res: Response) {
  expect(res.status).toBe(302);
  const location = locationOf(res);
  expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI);
  expect(location.searchParams.get('iss')).toBe(ISSUER);
  return location.searchParams;
}

export function exchange(
  p: FlowsPlatform,
  code: string,
  verifier: string,
  extra: Record<string, string> = {},
  client: TestClient = p.client,
) {
  return tokenRequest(p.app, client, {
    grant_type: GRANTS.authorizationCode,
    code,
    redirect_uri: REDIRECT_URI,
    code_verifier: verifier,
    ...extra,
  });
}

export async function codeFor(p: FlowsPlatform, overrides: Record<string, string | undefined> = {}) {
  const { res, verifier } = await authorize(p, overrides);
  const code = redirected(res).get('code');
  expect(code).toMatch(/^[A-Za-z0-9_-]{43}$/);
  return { code: code as string, verifier };
}
