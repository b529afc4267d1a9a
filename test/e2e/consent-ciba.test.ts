import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  answerConsent,
  Browser,
  callApi,
  CIBA_GRANT,
  CREDIT,
  DEMO_APP,
  demoApp,
  expectNoNumbersIn,
  notifications,
  operatorPost,
  PERMISSION_DENIED,
  type ConsentServer,
} from './support/consent.js';
import { startTarget, targetRows, TARGETS } from '../support/targets.js';

const SWAPPED = '+34600000001';
const UNKNOWN = '+34699999999';
const SCOPE = `openid offline_access ${CREDIT} sim-swap:check sim-swap:retrieve-date`;

/**
 * CIBA poll mode with a purpose that rests on consent (dpv:CreditChecking in the sandbox registry),
 * end to end over a real socket with openid-client 6: the subscriber answers on the consent page
 * the sandbox channel links to, withdraws through self-service, and every later use fails.
 */
describe.each(targetRows(TARGETS))('CIBA with consent, end to end (%s)', (_name, target) => {
  let s: ConsentServer;
  beforeAll(async () => {
    s = await startTarget(target);
  });
  afterAll(async () => {
    await s?.close();
  });

  const start = (config: client.Configuration, loginHint: string, scope = SCOPE) =>
    client.initiateBackchannelAuthentication(config, { login_hint: loginHint, scope });
  /**
   * A first poll, answered authorization_pending. Node only: the Worker's clock cannot be moved,
   * so the next poll there would come within the interval (slow_down) instead of one interval on.
   */
  async function expectPending(config: client.Configuration, authReqId: string): Promise<void> {
    if (target.runtime !== 'node') return;
    await expect(
      client.genericGrantRequest(config, CIBA_GRANT, { auth_req_id: authReqId }),
    ).rejects.toMatchObject({ error: 'authorization_pending', status: 400 });
  }

  /** The one link the sandbox channel sent for CreditChecking since the last answer. */
  async function theLink(): Promise<{ requestId: string; url: string }> {
    const pending = await notifications(s, DEMO_APP.clientId, CREDIT);
    expect(pending).toHaveLength(1);
    return pending[0] as { requestId: string; url: string };
  }

  it('approve on the consent page → tokens → SIM Swap; self-service withdrawal stops everything', async () => {
    const config = await demoApp(s);
    const started = await start(config, `tel:${SWAPPED}`);
    expect(started).toMatchObject({ expires_in: 300, interval: 5 });
    await expectPending(config, started.auth_req_id);

    // The channel delivered the link; the log has it, without the number.
    const link = await theLink();
    expect(Object.keys(link).sort()).toEqual([
      'applicationName',
      'clientId',
      'createdAt',
      'expiresAt',
      'purpose',
      'requestId',
      'scopes',
      'source',
      'url',
    ]);
    expect(link).toMatchObject({
      clientId: DEMO_APP.clientId,
      applicationName: 'Demo Bank (sandbox)',
      source: 'ciba',
      scopes: ['sim-swap:check', 'sim-swap:retrieve-date'],
    });
    expect(link.url).toMatch(new RegExp(`^${s.url}/consent/${link.requestId}\\?t=[A-Za-z0-9_-]{43}$`));
    const logged = (await s.loggedWith(link.url)).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logged.filter((l) => l.msg === 'sandbox consent link' && l.url === link.url)).toHaveLength(1);

    const answered = await answerConsent(new Browser(), link.url, 'grant');
    expect(answered.status).toBe(200);
    expect(await answered.text()).toContain('Consent given');
    expect(await notifications(s, DEMO_APP.clientId, CREDIT)).toEqual([]);

    const tokens = await client.pollBackchannelAuthenticationGrant(config, { ...started, interval: 0 });
    expect(tokens).toMatchObject({
      token_type: 'bearer',
      scope: `${CREDIT} sim-swap:check sim-swap:retrieve-date`,
    });
    expect(tokens.refresh_token).toEqual(expect.any(String));
    const claims = tokens.claims();
    expect(claims).toMatchObject({ iss: s.url, aud: DEMO_APP.clientId, amr: ['client_asserted'] });
    expect(claims?.sub).toBe(await s.deps.tokens.pairwiseSubject(DEMO_APP.clientId, SWAPPED));
    expect(claims?.sub).not.toContain(SWAPPED.slice(1));
    const access = tokens.access_token;
    expect(await callApi(s, '/sim-swap/v2/check', access)).toEqual({ status: 200, body: { swapped: true } });
    const date = await callApi(s, '/sim-swap/v2/retrieve-date', access);
    expect(date.status).toBe(200);
    expect((date.body as { latestSimChange: string }).latestSimChange).toEqual(expect.any(String));

    // A second request of the application for the same purpose: approved silently, not yet polled.
    const inFlight = await start(config, `tel:${SWAPPED}`);

    const listed = await callApi(s, '/consents', access, undefined, 'GET');
    expect(listed.status).toBe(200);
    expect((listed.body as { consents: unknown[] }).consents).toEqual([
      expect.objectContaining({
        clientId: DEMO_APP.clientId,
        purpose: CREDIT,
        status: 'granted',
        source: 'ciba',
      }),
    ]);
    const withdrawn = await callApi(s, `/consents/${CREDIT}`, access, undefined, 'DELETE');
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body).toMatchObject({ clientId: DEMO_APP.clientId, purpose: CREDIT, status: 'revoked' });

    expect(await callApi(s, `/consents/${CREDIT}`, access, undefined, 'DELETE')).toEqual({
      status: 404,
      body: {
        status: 404,
        code: 'CONSENT.NOTHING_TO_WITHDRAW',
        message: 'There is no consent to withdraw for this application and purpose.',
      },
    });

    // The very next call is refused, with the answer a number nobody has gets.
    expect(await callApi(s, '/sim-swap/v2/check', access)).toEqual({ status: 403, body: PERMISSION_DENIED });
    const twoLegged = await client.clientCredentialsGrant(config, { scope: `${CREDIT} sim-swap:check` });
    expect(await callApi(s, '/consents', twoLegged.access_token, undefined, 'GET')).toEqual({
      status: 403,
      body: PERMISSION_DENIED,
    });
    for (const phoneNumber of [SWAPPED, UNKNOWN]) {
      const res = await callApi(s, '/sim-swap/v2/check', twoLegged.access_token, { phoneNumber });
      expect(res, phoneNumber).toEqual({ status: 403, body: PERMISSION_DENIED });
    }

    await expect(client.refreshTokenGrant(config, tokens.refresh_token as string)).rejects.toMatchObject({
      error: 'invalid_grant',
      status: 400,
    });
    await expect(
      client.pollBackchannelAuthenticationGrant(config, { ...inFlight, interval: 0 }),
    ).rejects.toMatchObject({ error: 'access_denied', status: 400 });
  });

  it('Deny on the consent page → access_denied at the next poll', async () => {
    const config = await demoApp(s);
    const started = await start(config, 'tel:+34600000004');
    await expectPending(config, started.auth_req_id);
    const link = await theLink();
    const answered = await answerConsent(new Browser(), link.url, 'deny');
    expect(answered.status).toBe(200);
    expect(await answered.text()).toContain('Request denied');
    await expect(
      client.pollBackchannelAuthenticationGrant(config, { ...started, interval: 0 }),
    ).rejects.toMatchObject({ error: 'access_denied', status: 400 });
    // The link worked once.
    const again = await new Browser().fetch(link.url);
    expect(again.status).toBe(409);
  });

  it('a withdrawal by the operator voids the open request: access_denied, and the link is dead', async () => {
    const config = await demoApp(s);
    const started = await start(config, 'ipport:198.51.100.10:40010');
    await expectPending(config, started.auth_req_id);
    const link = await theLink();
    const withdraw = await operatorPost(s, '/internal/consents/withdraw', {
      phoneNumber: '+34600000010',
      clientId: DEMO_APP.clientId,
      purpose: CREDIT,
    });
    expect(withdraw.status).toBe(200);
    await expect(
      client.pollBackchannelAuthenticationGrant(config, { ...started, interval: 0 }),
    ).rejects.toMatchObject({ error: 'access_denied', status: 400 });
    expect((await new Browser().fetch(link.url)).status).toBe(409);
    expect(await notifications(s, DEMO_APP.clientId, CREDIT)).toEqual([]);
  });

  it('a consent given through another request or imported by the operator settles the open requests', async () => {
    const config = await demoApp(s);
    // The client asked twice (a retry): the subscriber got two links and answers the newest.
    const first = await start(config, 'tel:+34600000012');
    const second = await start(config, 'tel:+34600000012');
    for (const started of [first, second]) {
      await expectPending(config, started.auth_req_id);
    }
    const [newest] = await notifications(s, DEMO_APP.clientId, CREDIT);
    expect((await answerConsent(new Browser(), (newest as { url: string }).url, 'grant')).status).toBe(200);
    for (const started of [second, first]) {
      const tokens = await client.pollBackchannelAuthenticationGrant(config, { ...started, interval: 0 });
      expect(await callApi(s, '/sim-swap/v2/check', tokens.access_token)).toEqual({
        status: 200,
        body: { swapped: true },
      });
    }

    // The operator's own channel captured the consent while the client was polling.
    const started = await start(config, 'tel:+34600000013');
    await expectPending(config, started.auth_req_id);
    const imported = await operatorPost(s, '/internal/consents', {
      phoneNumber: '+34600000013',
      clientId: DEMO_APP.clientId,
      purpose: CREDIT,
      scopes: ['sim-swap:check', 'sim-swap:retrieve-date'],
    });
    expect(imported.status).toBe(201);
    const tokens = await client.pollBackchannelAuthenticationGrant(config, { ...started, interval: 0 });
    expect(tokens.refresh_token).toEqual(expect.any(String));
  });

  it('a client cannot message a subscriber more than CONSENT_CAPTURES_PER_DAY times a day', async () => {
    const config = await demoApp(s);
    const hint = 'tel:+34600000014';
    for (let i = 0; i < s.deps.config.consent.capturesPerDay; i++) await start(config, hint);
    const before = (await notifications(s, DEMO_APP.clientId)).length;
    await expect(start(config, hint)).rejects.toMatchObject({ error: 'access_denied', status: 403 });
    expect(await notifications(s, DEMO_APP.clientId)).toHaveLength(before);
  });

  it('no subscriber number in any log line of these flows', async () => {
    expect((await s.loggedWith('"consent withdrawn"')).some((l) => l.includes('"consent withdrawn"'))).toBe(
      true,
    );
    expectNoNumbersIn(s.logs);
  });
});
