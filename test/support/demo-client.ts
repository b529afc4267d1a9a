import { expect } from 'vitest';
import type { Application } from '../../src/admin/applications.js';
import { DEMO } from './app.js';

/** Calls of the sandbox demo client over a real socket, each bounded so that a hang fails fast. */
const NO_HANG = () => AbortSignal.timeout(4000);

export function requestDemoToken(base: string, secret: string = DEMO.secret): Promise<Response> {
  return fetch(`${base}/oauth2/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${btoa(`${DEMO.clientId}:${secret}`)}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      scope: 'dpv:FraudPreventionAndDetection sim-swap:check',
    }),
    signal: NO_HANG(),
  });
}

export async function demoToken(base: string): Promise<string> {
  const res = await requestDemoToken(base);
  expect(res.status).toBe(200);
  return ((await res.json()) as { access_token: string }).access_token;
}

/** A SIM Swap check of the demo number, bounded by `timeoutMs` (4 s by default). */
export function simSwapCheck(base: string, accessToken: string, timeoutMs = 4000): Promise<Response> {
  return fetch(`${base}/sim-swap/v2/check`, {
    method: 'POST',
    headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ phoneNumber: '+34600000001' }),
    signal: AbortSignal.timeout(timeoutMs),
  });
}

/** An application an operator onboarded: a registry that holds it exists, so a miss is an unknown client. */
export const OPERATOR_APP: Application = {
  clientId: 'bank-app',
  name: 'Bank',
  status: 'active',
  plan: 'standard',
  authMethods: ['private_key_jwt'],
  jwks: { keys: [] },
  grantTypes: ['client_credentials'],
  scopes: ['sim-swap:check'],
  purposes: ['dpv:FraudPreventionAndDetection'],
  twoLeggedApis: ['sim-swap'],
};
