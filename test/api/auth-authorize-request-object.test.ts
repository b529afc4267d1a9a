import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { DEVICE, exchange, redirected, SCOPE, type Tokens } from '../support/authorize.js';
import {
  AUTHORIZE_URL,
  flowsPlatform,
  fromDevice,
  ISSUER,
  pkce,
  REDIRECT_URI,
  signJwt,
  FRAUD,
  type FlowsPlatform,
} from '../support/flows.js';

describe('authorization code', () => {
  describe('signed request object (RFC 9101, ICM §7.3)', () => {
    async function withRequestObject(
      p: FlowsPlatform,
      signedOverrides: Record<string, unknown> = {},
      clear: Record<string, string | undefined> = {},
    ) {
      const { verifier, challenge } = await pkce();
      const request = await signJwt(p.client, p.clock, {
        aud: AUTHORIZE_URL,
        client_id: p.client.clientId,
        response_type: 'code',
        redirect_uri: REDIRECT_URI,
        scope: SCOPE,
        state: 'signed-state',
        nonce: 'signed-nonce',
        code_challenge: challenge,
        code_challenge_method: 'S256',
        ...signedOverrides,
      });
      const params: Record<string, string | undefined> = {
        client_id: p.client.clientId,
        response_type: 'code',
        redirect_uri: REDIRECT_URI,
        scope: SCOPE,
        request,
        ...clear,
      };
      const query = new URLSearchParams(
        Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined),
      );
      const url = `/oauth2/authorize?${query}`;
      return { res: await fromDevice(p.app, url, DEVICE), verifier, url };
    }

    it('takes the other parameters from the object only', async () => {
      const p = await flowsPlatform();
      const { res, verifier } = await withRequestObject(
        p,
        {},
        { state: 'clear-state', nonce: 'clear-nonce' },
      );
      const params = redirected(res);
      expect(params.get('state')).toBe('signed-state');
      const body = (await (await exchange(p, params.get('code') as string, verifier)).json()) as Tokens;
      expect(decodeJwt(body.id_token as string).nonce).toBe('signed-nonce');
    });

    it('accepts the issuer as audience', async () => {
      const p = await flowsPlatform();
      const { res } = await withRequestObject(p, { aud: ISSUER });
      expect(redirected(res).has('code')).toBe(true);
    });

    it.each([
      ['scope', { scope: `${FRAUD} sim-swap:check` }],
      ['response_type', { response_type: 'token' }],
    ])('a clear %s differing from the signed one → invalid_request_object', async (_, clear) => {
      const p = await flowsPlatform();
      const { res } = await withRequestObject(p, {}, clear);
      expect(redirected(res).get('error')).toBe('invalid_request_object');
    });

    it('a signed redirect_uri differing from the clear one → invalid_request_object', async () => {
      const p = await flowsPlatform();
      const { res } = await withRequestObject(p, { redirect_uri: 'https://attacker.example/cb' });
      expect(redirected(res).get('error')).toBe('invalid_request_object');
    });

    it('scope missing in clear → invalid_request', async () => {
      const p = await flowsPlatform();
      const { res } = await withRequestObject(p, {}, { scope: undefined });
      expect(redirected(res).get('error')).toBe('invalid_request');
    });

    it('a replayed request object → invalid_request_object', async () => {
      const p = await flowsPlatform();
      const first = await withRequestObject(p);
      expect(redirected(first.res).has('code')).toBe(true);
      const replay = await fromDevice(p.app, first.url, DEVICE);
      expect(redirected(replay).get('error')).toBe('invalid_request_object');
    });
  });
});
