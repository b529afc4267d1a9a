import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsentRecords } from '../../src/consent/records.js';
import {
  CIBA_GRANT,
  CREDIT,
  DEMO_BACKEND,
  demoBackend,
  FRAUD,
  operatorPost,
  startConsentServer,
  type ConsentServer,
} from './support/consent.js';

/**
 * Red-team finding F10: an application that withdrew through self-service with a token for a
 * number it only named (JWT-bearer, amr `client_asserted`) was recorded as the subscriber
 * (`withdrawnBy: subscriber`), a withdrawal without a record became `source: operator`, and on a
 * legitimate-interest purpose the application recorded an objection in the subscriber's name.
 * Now the application is recorded as the actor, the source is the capture's, and an application
 * cannot object for the subscriber: 404 CONSENT.NOTHING_TO_WITHDRAW, whatever the number.
 */

const NOTHING = {
  status: 404,
  code: 'CONSENT.NOTHING_TO_WITHDRAW',
  message: 'There is no consent to withdraw for this application and purpose.',
};

describe('F10: a withdrawal through a client_asserted token is the application’s', () => {
  let s: ConsentServer;
  let backend: Awaited<ReturnType<typeof demoBackend>>;
  let records: ConsentRecords;

  beforeAll(async () => {
    s = await startConsentServer('memory');
    backend = await demoBackend(s);
    records = new ConsentRecords(s.deps.store, s.deps.pseudonyms, s.deps.clock);
  });
  afterAll(async () => {
    await s?.close();
  });

  const tokenFor = async (number: string, scope: string) =>
    (await backend.jwtBearer(`tel:${number}`, scope)).access_token;
  const withdraw = (token: string, purpose: string) =>
    fetch(`${s.url}/consents/${purpose}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${token}` },
    });

  it('records the application, not the subscriber, as the one who withdrew; then 404', async () => {
    const number = '+34600000009';
    const imported = await operatorPost(s, '/internal/consents', {
      phoneNumber: number,
      clientId: DEMO_BACKEND,
      purpose: CREDIT,
      scopes: ['sim-swap:check'],
    });
    expect(imported.status).toBe(201);
    const token = await tokenFor(number, `${CREDIT} sim-swap:check`);

    const res = await withdraw(token, CREDIT);
    expect([res.status, ((await res.json()) as { status: string }).status]).toEqual([200, 'revoked']);
    expect(await records.readOne(number, DEMO_BACKEND, CREDIT)).toMatchObject({
      clientId: DEMO_BACKEND,
      status: 'revoked',
      source: 'operator', // imported by the operator: that is where the consent came from
      withdrawnBy: 'application',
    });

    const again = await withdraw(token, CREDIT);
    expect([again.status, await again.json()]).toEqual([404, NOTHING]);
  });

  it('an open capture withdrawn keeps its source (ciba), and the CIBA poll is refused', async () => {
    const number = '+34600000005';
    const started = await client.initiateBackchannelAuthentication(backend.config, {
      login_hint: `tel:${number}`,
      scope: `${CREDIT} sim-swap:check`,
    });
    // Any 3-legged token of the application for the number reaches its self-service routes.
    const token = await tokenFor(number, `${FRAUD} sim-swap:check`);

    const res = await withdraw(token, CREDIT);
    expect(res.status).toBe(200);
    expect(await records.readOne(number, DEMO_BACKEND, CREDIT)).toMatchObject({
      status: 'revoked',
      source: 'ciba',
      withdrawnBy: 'application',
    });
    await expect(
      client.genericGrantRequest(backend.config, CIBA_GRANT, { auth_req_id: started.auth_req_id }),
    ).rejects.toMatchObject({ status: 400, error: 'access_denied' });
  });

  it('cannot object in the subscriber’s name: 404, and no objection recorded', async () => {
    const number = '+34600000001';
    const token = await tokenFor(number, `${FRAUD} sim-swap:check`);
    const res = await withdraw(token, FRAUD);
    expect([res.status, await res.json()]).toEqual([404, NOTHING]);
    expect(await records.readOne(number, DEMO_BACKEND, FRAUD)).toBeNull();
    // The legal basis still holds: the next grant is issued (an objection would refuse it).
    await expect(tokenFor(number, `${FRAUD} sim-swap:check`)).resolves.toEqual(expect.any(String));
  });
});
