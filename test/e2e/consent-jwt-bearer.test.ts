import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Browser,
  callApi,
  CREDIT,
  DEMO_APP,
  DEMO_BACKEND,
  demoApp,
  demoBackend,
  expectNoNumbersIn,
  FRAUD,
  operatorPost,
  PERMISSION_DENIED,
  type ConsentServer,
} from './support/consent.js';
import { startTarget, targetName, TARGETS } from '../support/targets.js';

/**
 * JWT-bearer (no user interaction: the legal basis must exist beforehand) with a consent purpose
 * and a legitimate-interest purpose, end to end over a real socket with openid-client 6: an
 * operator-imported consent, then objections by the subscriber and by the operator, and the ICM
 * error each flow answers once the basis is gone.
 */
describe.each(TARGETS.map((t) => [targetName(t), t] as const))(
  'JWT-bearer and objections, end to end (%s)',
  (_name, target) => {
    let s: ConsentServer;
    let backend: Awaited<ReturnType<typeof demoBackend>>;
    let app: client.Configuration;
    beforeAll(async () => {
      s = await startTarget(target);
      backend = await demoBackend(s);
      app = await demoApp(s);
    });
    afterAll(async () => {
      await s?.close();
    });

    const jwtBearer = (number: string, scope: string) => backend.jwtBearer(`tel:${number}`, scope);
    const refused = { error: 'invalid_grant', status: 400 };
    const simSwap = (token: string) => callApi(s, '/sim-swap/v2/check', token);

    it('consent purpose: invalid_grant until the operator imports a consent that covers every scope', async () => {
      const number = '+34600000002';
      const both = `${CREDIT} sim-swap:check sim-swap:retrieve-date`;
      await expect(jwtBearer(number, both)).rejects.toMatchObject(refused);

      const consent = { phoneNumber: number, clientId: DEMO_BACKEND, purpose: CREDIT };
      const imported = await operatorPost(s, '/internal/consents', {
        ...consent,
        scopes: ['sim-swap:check'],
      });
      expect(imported.status).toBe(201);
      const view = (await imported.json()) as Record<string, unknown>;
      expect(view).toMatchObject({
        clientId: DEMO_BACKEND,
        purpose: CREDIT,
        scopes: ['sim-swap:check'],
        status: 'granted',
        source: 'operator',
      });
      expect(JSON.stringify(view)).not.toContain(number.slice(1));

      // The consent covers sim-swap:check only.
      await expect(jwtBearer(number, both)).rejects.toMatchObject(refused);
      const tokens = await jwtBearer(number, `${CREDIT} sim-swap:check`);
      expect(tokens).toMatchObject({
        token_type: 'bearer',
        expires_in: 300,
        scope: `${CREDIT} sim-swap:check`,
      });
      expect(tokens.refresh_token).toBeUndefined();
      expect(await simSwap(tokens.access_token)).toEqual({ status: 200, body: { swapped: true } });

      expect((await operatorPost(s, '/internal/consents/withdraw', consent)).status).toBe(200);
      expect(await simSwap(tokens.access_token)).toEqual({ status: 403, body: PERMISSION_DENIED });
      await expect(jwtBearer(number, `${CREDIT} sim-swap:check`)).rejects.toMatchObject(refused);
    });

    it('legitimate interest: works without consent until the subscriber objects', async () => {
      const number = '+34600000003';
      const tokens = await jwtBearer(number, `${FRAUD} sim-swap:check`);
      expect(await simSwap(tokens.access_token)).toEqual({ status: 200, body: { swapped: false } });

      // The application named the number itself (amr client_asserted): it cannot object in the
      // subscriber's name through self-service (F10), and nothing changes.
      const byApplication = await callApi(s, `/consents/${FRAUD}`, tokens.access_token, undefined, 'DELETE');
      expect(byApplication.status).toBe(404);
      expect(await simSwap(tokens.access_token)).toEqual({ status: 200, body: { swapped: false } });

      // The subscriber objects through the operator's channel.
      const objection = await operatorPost(s, '/internal/opt-outs', {
        phoneNumber: number,
        purpose: FRAUD,
        clientId: DEMO_BACKEND,
      });
      expect(objection.status).toBe(201);
      expect(await objection.json()).toMatchObject({
        clientId: DEMO_BACKEND,
        purpose: FRAUD,
        status: 'opted_out',
      });

      expect(await simSwap(tokens.access_token)).toEqual({ status: 403, body: PERMISSION_DENIED });
      await expect(jwtBearer(number, `${FRAUD} sim-swap:check`)).rejects.toMatchObject(refused);
      await expect(
        client.initiateBackchannelAuthentication(backend.config, {
          login_hint: `tel:${number}`,
          scope: `${FRAUD} sim-swap:check`,
        }),
      ).rejects.toMatchObject({ error: 'access_denied', status: 403 });

      // The objection was to this application: another one keeps its legitimate interest.
      const started = await client.initiateBackchannelAuthentication(app, {
        login_hint: `tel:${number}`,
        scope: `${FRAUD} sim-swap:check`,
      });
      const other = await client.pollBackchannelAuthenticationGrant(app, { ...started, interval: 0 });
      expect(await simSwap(other.access_token)).toEqual({ status: 200, body: { swapped: false } });
    });

    it('legitimate interest: an operator opt-out for every application stops every flow, until lifted', async () => {
      const number = '+34600000001';
      const scope = `offline_access ${FRAUD} sim-swap:check`;
      const started = await client.initiateBackchannelAuthentication(app, {
        login_hint: `tel:${number}`,
        scope,
      });
      const tokens = await client.pollBackchannelAuthenticationGrant(app, { ...started, interval: 0 });
      expect(await simSwap(tokens.access_token)).toEqual({ status: 200, body: { swapped: true } });

      const optOut = { phoneNumber: number, purpose: FRAUD };
      const recorded = await operatorPost(s, '/internal/opt-outs', optOut);
      expect(recorded.status).toBe(201);
      expect(await recorded.json()).toMatchObject({ clientId: '*', purpose: FRAUD, status: 'opted_out' });

      expect(await simSwap(tokens.access_token)).toEqual({ status: 403, body: PERMISSION_DENIED });
      await expect(client.refreshTokenGrant(app, tokens.refresh_token as string)).rejects.toMatchObject(
        refused,
      );
      await expect(
        client.initiateBackchannelAuthentication(app, { login_hint: `tel:${number}`, scope }),
      ).rejects.toMatchObject({ error: 'access_denied', status: 403 });
      await expect(jwtBearer(number, `${FRAUD} sim-swap:check`)).rejects.toMatchObject(refused);
      const verifier = client.randomPKCECodeVerifier();
      const authorize = client.buildAuthorizationUrl(app, {
        redirect_uri: DEMO_APP.redirectUri,
        scope: `${FRAUD} sim-swap:check`,
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state: 'opted-out',
      });
      const denied = await new Browser().fetch(authorize, { headers: { 'x-forwarded-for': '198.51.100.1' } });
      expect(denied.status).toBe(302);
      const redirect = new URL(denied.headers.get('location') as string);
      expect(Object.fromEntries(redirect.searchParams)).toEqual({
        error: 'access_denied',
        error_description: 'access not allowed for this purpose',
        state: 'opted-out',
        iss: s.url,
      });

      const lifted = await operatorPost(s, '/internal/opt-outs/remove', optOut);
      expect(lifted.status).toBe(204);
      const again = await jwtBearer(number, `${FRAUD} sim-swap:check`);
      expect(await simSwap(again.access_token)).toEqual({ status: 200, body: { swapped: true } });
    });

    it('no subscriber number in any log line of these flows', async () => {
      expect((await s.loggedWith('"opt-out recorded"')).some((l) => l.includes('"opt-out recorded"'))).toBe(
        true,
      );
      expectNoNumbersIn(s.logs);
    });
  },
);
