import { exportJWK, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';
import { configProblems } from '../support/config-problems.js';

const problems = configProblems;

const ADMIN_CLIENTS_PROBLEM = 'ADMIN_CLIENTS: must be a JSON list of {clientId, role, jwks, partnerIds?}';

async function keyPair() {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  return {
    publicJwk: { ...(await exportJWK(publicKey)), alg: 'ES256', use: 'sig', kid: 'k1' },
    privateJwk: { ...(await exportJWK(privateKey)), alg: 'ES256', use: 'sig', kid: 'k1' },
  };
}

describe('ADMIN_CLIENTS', () => {
  it('takes admin clients with public signing keys', async () => {
    const { publicJwk } = await keyPair();
    const clients = [{ clientId: 'console', role: 'operator-admin', jwks: { keys: [publicJwk] } }];
    const config = parseConfig({ ADMIN_CLIENTS: JSON.stringify(clients) });
    expect(config.admin.clients).toEqual(clients);
  });

  it('refuses a private key in the configuration, without quoting it', async () => {
    const { privateJwk } = await keyPair();
    const env = {
      ADMIN_CLIENTS: JSON.stringify([{ clientId: 'console', role: 'support', jwks: { keys: [privateJwk] } }]),
    };
    expect(problems(env)).toEqual([ADMIN_CLIENTS_PROBLEM]);
    expect(problems(env).join(' ')).not.toContain(String(privateJwk.d));
  });

  it.each([
    ['an unknown role', { clientId: 'c', role: 'root', jwks: { keys: [{ kty: 'EC' }] } }],
    ['an empty key set', { clientId: 'c', role: 'support', jwks: { keys: [] } }],
    ['a symmetric key', { clientId: 'c', role: 'support', jwks: { keys: [{ kty: 'oct', k: 'c2VjcmV0' }] } }],
    ['an unknown field', { clientId: 'c', role: 'support', jwks: { keys: [] }, admin: true }],
  ])('refuses %s', (_name, client) => {
    expect(problems({ ADMIN_CLIENTS: JSON.stringify([client]) })).toEqual([ADMIN_CLIENTS_PROBLEM]);
  });
});
