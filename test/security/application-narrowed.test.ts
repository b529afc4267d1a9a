import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Application } from '../../src/admin/applications.js';
import { registerClient } from '../e2e/support/oauth.js';
import { fetchToken, startServer, type E2EServer } from '../e2e/support/server.js';

const FRAUD = 'dpv:FraudPreventionAndDetection';
const CORRELATOR = 'b4333c46-49c0-4f62-80d7-f0ef930f1c46';
const PERMISSION_DENIED = {
  status: 403,
  code: 'PERMISSION_DENIED',
  message: 'Client does not have sufficient permissions to perform this action.',
};

/**
 * Outside review 2, finding R2-1, replayed over a real socket: the operator narrows an
 * application (PATCH: a scope, its 2-legged access to an API, or the client-credentials grant
 * withdrawn) while the application holds access tokens issued under the wider record. Before the
 * fix those tokens kept answering 200 until they expired (ACCESS_TOKEN_TTL_SECONDS), although a
 * purpose withdrawn, a suspension or a refresh after the same change were refused at once.
 */
describe.each(['memory', 'redis'] as const)('an application narrowed by the operator (%s)', (engine) => {
  let s: E2EServer;
  beforeAll(async () => {
    s = await startServer({ engine });
  });
  afterAll(async () => {
    await s?.close();
  });

  /** The platform with a test application of its own, so that each case starts from the whole record. */
  const freshClient = async (): Promise<E2EServer> => ({ ...s, client: await registerClient(s.deps) });

  const call = (server: E2EServer, path: string, token: string) =>
    fetch(`${server.url}/sim-swap/v2/${path}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'x-correlator': CORRELATOR,
      },
      body: JSON.stringify({ phoneNumber: '+34600000001' }),
    });

  async function expectDenied(res: Response): Promise<void> {
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('x-correlator')).toBe(CORRELATOR);
    expect(await res.json()).toEqual(PERMISSION_DENIED);
  }

  const narrow = (server: E2EServer, change: (app: Application) => Application) =>
    server.deps.applications.update(server.client.clientId, change);

  it('a scope withdrawn: the token that holds it is refused at once, its other scopes still serve', async () => {
    const server = await freshClient();
    const token = await fetchToken(server, `${FRAUD} sim-swap:check sim-swap:retrieve-date`);
    expect((await call(server, 'check', token)).status).toBe(200);

    await narrow(server, (app) => ({ ...app, scopes: app.scopes.filter((x) => x !== 'sim-swap:check') }));

    await expectDenied(await call(server, 'check', token));
    const date = await call(server, 'retrieve-date', token);
    expect(date.status).toBe(200);
    expect(await date.json()).toEqual({ latestSimChange: expect.any(String) });
  });

  it('2-legged access to the API withdrawn: a 2-legged token for it is refused at once', async () => {
    const server = await freshClient();
    const token = await fetchToken(server, `${FRAUD} sim-swap:check`);
    expect((await call(server, 'check', token)).status).toBe(200);

    await narrow(server, (app) => ({ ...app, twoLeggedApis: [] }));

    await expectDenied(await call(server, 'check', token));
  });

  it('the client-credentials grant withdrawn: its 2-legged tokens are refused at once', async () => {
    const server = await freshClient();
    const token = await fetchToken(server, `${FRAUD} sim-swap:check`);
    expect((await call(server, 'check', token)).status).toBe(200);

    await narrow(server, (app) => ({ ...app, grantTypes: ['urn:openid:params:grant-type:ciba'] }));

    await expectDenied(await call(server, 'check', token));
  });

  it('an unrelated change leaves the token serving', async () => {
    const server = await freshClient();
    const token = await fetchToken(server, `${FRAUD} sim-swap:check`);

    await narrow(server, (app) => ({ ...app, name: 'Renamed application' }));

    const res = await call(server, 'check', token);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ swapped: true });
  });
});
