import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { CLIENT_ASSERTION_TYPE } from '../../src/auth/client-auth.js';

/** An operator's admin client of the tests: its key pair and the ADMIN_CLIENTS entry it goes with. */
export type AdminKey = {
  clientId: string;
  role: string;
  partnerIds?: string[];
  privateKey: CryptoKey;
  jwk: object;
};

async function adminKey(clientId: string, role: string, partnerIds?: string[]): Promise<AdminKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(jwk);
  return { clientId, role, partnerIds, privateKey, jwk: { ...jwk, kid, alg: 'ES256', use: 'sig' } };
}

/** The partner the scoped partner-manager may touch: the sandbox's demo partner. */
export const SCOPED_PARTNER = 'sandbox-demo';

/** One admin client per role, plus a partner-manager limited to the sandbox's partner. */
export async function adminKeys() {
  return {
    admin: await adminKey('console-admin', 'operator-admin'),
    manager: await adminKey('console-manager', 'partner-manager'),
    scoped: await adminKey('console-scoped', 'partner-manager', [SCOPED_PARTNER]),
    support: await adminKey('console-support', 'support'),
    auditor: await adminKey('console-auditor', 'auditor'),
  };
}

export type AdminKeys = Awaited<ReturnType<typeof adminKeys>>;

/** The ADMIN_CLIENTS variable for these clients. */
export const adminEnv = (keys: AdminKeys): Record<string, string> => ({
  ADMIN_CLIENTS: JSON.stringify(
    Object.values(keys).map((k) => ({
      clientId: k.clientId,
      role: k.role,
      jwks: { keys: [k.jwk] },
      ...(k.partnerIds === undefined ? {} : { partnerIds: k.partnerIds }),
    })),
  ),
});

/**
 * A token request for the admin audience (RFC 8707 resource) with a private_key_jwt assertion, sent
 * to `url`; audience and resource name `publicUrl`, the platform's PUBLIC_URL (an instance behind
 * a shared public name answers at its own address).
 */
export async function requestAdminToken(
  url: string,
  key: AdminKey,
  nowMs: number,
  extra: Record<string, string> = {},
  publicUrl = url,
) {
  const now = Math.floor(nowMs / 1000);
  const assertion = await new SignJWT({ jti: crypto.randomUUID() })
    .setProtectedHeader({ alg: 'ES256', kid: (key.jwk as { kid: string }).kid })
    .setIssuer(key.clientId)
    .setSubject(key.clientId)
    .setAudience(`${publicUrl}/oauth2/token`)
    .setIssuedAt(now)
    .setExpirationTime(now + 60)
    .sign(key.privateKey);
  return fetch(`${url}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      resource: `${publicUrl}/admin`,
      client_assertion_type: CLIENT_ASSERTION_TYPE,
      client_assertion: assertion,
      ...extra,
    }).toString(),
  });
}

export async function adminToken(
  url: string,
  key: AdminKey,
  nowMs: number,
  publicUrl = url,
): Promise<string> {
  const res = await requestAdminToken(url, key, nowMs, {}, publicUrl);
  if (res.status !== 200) throw new Error(`admin token: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

export const CORRELATOR = 'admin-test-7f3a';

/** A call to the admin API (or any path) with a bearer token and a JSON body. */
export function call(url: string, method: string, path: string, token: string | undefined, body?: unknown) {
  return fetch(`${url}${path}`, {
    method,
    headers: {
      'x-correlator': CORRELATOR,
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** An application body as an operator-admin sends it for a SIM Swap fraud-prevention client. */
export const APPLICATION = {
  name: 'Acme Bank fraud checks',
  grantTypes: ['client_credentials'],
  authMethods: ['client_secret_basic'],
  scopes: ['sim-swap:check', 'sim-swap:retrieve-date'],
  purposes: ['dpv:FraudPreventionAndDetection'],
  twoLeggedApis: ['sim-swap'],
  plan: 'standard',
  contact: { name: 'Risk team', email: 'risk@acme.example' },
};
