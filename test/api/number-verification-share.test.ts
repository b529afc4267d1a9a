import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, expectSuccess, type Operation } from '../support/camara-assert.js';
import { camaraFacts } from '../support/openapi-schema.js';
import {
  IDENTITY,
  mobileNetworkFlows,
  NV,
  startIdentityServer,
  type IdentityServer,
} from '../e2e/support/identity.js';
import { ONBOARDING_TARGETS, targetRows } from '../support/targets.js';

/**
 * Number Verification 2.1.0 phoneNumberShare (TEST-PLAN §5) over a real socket, on memory and on
 * Redis, with tokens from the real flows. The device is +34600000010, behind CGNAT: the network
 * knows it by address and port (198.51.100.10:40010), which the edge forwards in
 * X-Forwarded-For and X-Forwarded-Port.
 */

const PATH = '/number-verification/v2/device-phone-number';
const op: Operation = {
  doc: camaraFacts('number-verification'),
  path: '/device-phone-number',
  method: 'get',
};
const DEVICE = '+34600000010';
const SCOPE = `${IDENTITY} ${NV.share}`;

describe.each(targetRows(ONBOARDING_TARGETS))(
  'Number Verification device-phone-number (%s)',
  (_name, target) => {
    let s: IdentityServer;
    beforeAll(async () => {
      s = await startIdentityServer(target);
    });
    afterAll(async () => {
      await s?.close();
    });

    /** The flows that authenticate the subscriber by the mobile network or the SIM. */
    const MOBILE_NETWORK = mobileNetworkFlows(() => s.tokens, DEVICE);
    const fresh = (scope = SCOPE) => MOBILE_NETWORK['JWT-bearer operatortoken:'](scope);
    const share = (token: string | undefined) => s.get(PATH, token);

    async function expectShared(res: Response): Promise<void> {
      const body = await expectSuccess(res, op);
      expect(body).toEqual({ devicePhoneNumber: DEVICE });
    }

    it('@phone_number_share_01_generic_success_scenario', async () => {
      await expectShared(await share(await s.tokens.authorizationCode(DEVICE, SCOPE)));
    });

    it.each(Object.keys(MOBILE_NETWORK) as (keyof typeof MOBILE_NETWORK)[])(
      '@phone_number_share_02_success_scenario (%s)',
      async (flow) => {
        await expectShared(await share(await MOBILE_NETWORK[flow](SCOPE)));
      },
    );

    it('@phone_number_verify_401.1_no_authorization_header (share)', async () => {
      await expectError(await share(undefined), { status: 401, code: 'UNAUTHENTICATED' }, op);
    });

    // The Worker's clock cannot be moved: expiry is proven on Node.
    if (target.runtime === 'node')
      it('@phone_number_verify_401.2_expired_access_token (share)', async () => {
        const expiring = await fresh(); // NV tokens live 300 s
        const res = await s.later(301_000, () => share(expiring));
        await expectError(res, { status: 401, code: 'UNAUTHENTICATED' }, op);
        // The same token before its exp: valid and still unused.
        await expectShared(await share(expiring));
      });

    it('@phone_number_verify_401.3_invalid_access_token (share)', async () => {
      const [header, payload, signature] = (await fresh()).split('.') as [string, string, string];
      const tampered = `${header}.${payload}.${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`;
      await expectError(await share(tampered), { status: 401, code: 'UNAUTHENTICATED' }, op);
    });

    it('@phoneNumberShare_403.1_invalid_token_permissions', async () => {
      const verifyOnly = await s.tokens.authorizationCode(DEVICE, `${IDENTITY} ${NV.verify}`);
      await expectError(await share(verifyOnly), { status: 403, code: 'PERMISSION_DENIED' }, op);
    });

    it.each([
      ['CIBA login_hint=tel:', () => s.tokens.ciba(`tel:${DEVICE}`, SCOPE)],
      ['CIBA login_hint=ipport:', () => s.tokens.ciba('ipport:198.51.100.10:40010', SCOPE)],
      ['JWT-bearer sub=tel:', () => s.tokens.jwtBearer(`tel:${DEVICE}`, SCOPE)],
    ])(
      '@phoneNumberShare_403.2_not_authenticated_using_network_or_sim_based_authentication (%s)',
      async (_, acquire) => {
        const asserted = await acquire();
        expect((await s.deps.tokens.verify(asserted)).amr).toEqual(['client_asserted']);
        await expectError(
          await share(asserted),
          { status: 403, code: 'NUMBER_VERIFICATION.USER_NOT_AUTHENTICATED_BY_MOBILE_NETWORK' },
          op,
        );
      },
    );

    it('refuses a 2-legged token with 403 PERMISSION_DENIED, even where onboarding allowed one', async () => {
      const twoLegged = await s.register({ twoLeggedApis: ['number-verification'] });
      const res = await share(await twoLegged.clientCredentials(SCOPE));
      await expectError(res, { status: 403, code: 'PERMISSION_DENIED' }, op);
    });

    it('answers 405 with Allow for another method on the share path', async () => {
      const res = await s.post(PATH, {}, await fresh());
      await expectError(res, { status: 405, code: 'METHOD_NOT_ALLOWED' });
      expect(res.headers.get('allow')).toBe('GET');
    });
  },
);
