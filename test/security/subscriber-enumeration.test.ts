import { importJWK, SignJWT, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import privateJwks from '../../sandbox/demo-backend.private-jwks.json' with { type: 'json' };
import {
  CIBA_GRANT,
  CREDIT,
  DEMO_APP,
  DEMO_BACKEND,
  FRAUD,
  JWT_BEARER_GRANT,
  notifications,
  operatorPost,
  startConsentServer,
  type ConsentServer,
} from '../e2e/support/consent.js';

/** A sandbox subscriber with no device and no consent (docs/sandbox.md). */
const KNOWN = '+34600000004';
const CIBA_SCOPE = `openid ${CREDIT} sim-swap:check`;
const NO_LEGAL_BASIS = {
  error: 'invalid_grant',
  error_description: 'no legal basis for this subject and purpose',
};

/** What a client can compare between two answers: all of it but the auth_req_id's value. */
type Answer = { status: number; headers: string[]; fixed: Record<string, string | null>; body: unknown };

async function answerOf(res: Response): Promise<Answer> {
  const body = (await res.json()) as Record<string, unknown>;
  if (typeof body.auth_req_id === 'string') {
    expect(body.auth_req_id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    body.auth_req_id = '<auth_req_id>';
  }
  const fixed: Record<string, string | null> = {};
  for (const name of ['content-type', 'content-length', 'cache-control', 'pragma', 'www-authenticate'])
    fixed[name] = res.headers.get(name);
  return { status: res.status, headers: [...res.headers.keys()].sort(), fixed, body };
}

/**
 * Red-team finding F9, replayed over a real socket against the platform as `npm start` composes it
 * (the real consent service and the sandbox channel): a client compares the answers for a sandbox
 * subscriber and for a number nobody holds, on bc-authorize, the polls and JWT-bearer. Before the
 * fix, bc-authorize answered 400 unknown_user_id for the second and JWT-bearer "unknown subject".
 */
describe.each(['memory', 'redis'] as const)(
  'subscribers cannot be told from unknown numbers (%s)',
  (engine) => {
    let s: ConsentServer;
    let signingKey: CryptoKey;
    const jwk = privateJwks.keys[0] as JWK;
    beforeAll(async () => {
      s = await startConsentServer(engine);
      signingKey = (await importJWK(jwk, 'ES256')) as CryptoKey;
    });
    afterAll(async () => {
      await s?.close();
    });

    const form = (path: string, params: Record<string, string>, headers: Record<string, string> = {}) =>
      fetch(`${s.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: new URLSearchParams(params).toString(),
      });
    const basic = { authorization: `Basic ${btoa(`${DEMO_APP.clientId}:${DEMO_APP.secret}`)}` };
    const bcAuthorize = (loginHint: string, scope = CIBA_SCOPE) =>
      form('/oauth2/bc-authorize', { login_hint: loginHint, scope }, basic);
    const poll = (authReqId: string) =>
      form('/oauth2/token', { grant_type: CIBA_GRANT, auth_req_id: authReqId }, basic);
    /** Both requests started, side by side; their answers and ids. */
    async function startBoth(known: string, unknown: string, scope = CIBA_SCOPE) {
      const a = await bcAuthorize(known, scope);
      const b = await bcAuthorize(unknown, scope);
      const idOf = async (res: Response) =>
        ((await res.clone().json()) as { auth_req_id: string }).auth_req_id;
      const ids = [await idOf(a), await idOf(b)];
      return { answers: [await answerOf(a), await answerOf(b)], ids };
    }
    async function pollBoth(ids: string[]) {
      s.clock.advance(s.deps.config.ciba.intervalSeconds * 1000);
      return [await answerOf(await poll(ids[0] as string)), await answerOf(await poll(ids[1] as string))];
    }
    const jwtBearer = async (subject: string, scope: string) => {
      const now = Math.floor(s.clock.now() / 1000);
      const assertion = await new SignJWT({ scope })
        .setProtectedHeader({ alg: 'ES256', kid: jwk.kid as string })
        .setIssuer(DEMO_BACKEND)
        .setSubject(subject)
        .setAudience(`${s.url}/oauth2/token`)
        .setIssuedAt(now)
        .setExpirationTime(now + 60)
        .setJti(crypto.randomUUID())
        .sign(signingKey);
      return answerOf(await form('/oauth2/token', { grant_type: JWT_BEARER_GRANT, assertion }));
    };

    it('bc-authorize, the first poll and the expiry answer alike; only the subscriber is messaged', async () => {
      const before = (await notifications(s, DEMO_APP.clientId, CREDIT)).length;
      const { answers, ids } = await startBoth(`tel:${KNOWN}`, 'tel:+34699999999');
      expect(answers[0]).toMatchObject({
        status: 200,
        body: { auth_req_id: '<auth_req_id>', expires_in: 300, interval: 5 },
        fixed: { 'cache-control': 'no-store', pragma: 'no-cache' },
      });
      expect(answers[1]).toEqual(answers[0]);
      // The channel messaged the subscriber, and nobody for the unknown number.
      expect(await notifications(s, DEMO_APP.clientId, CREDIT)).toHaveLength(before + 1);
      // Consent Info sees a capture requested for both (it never looks numbers up).
      const token = await form(
        '/oauth2/token',
        { grant_type: 'client_credentials', scope: `${CREDIT} consent-info:retrieve` },
        basic,
      );
      expect(token.status).toBe(200);
      const { access_token } = (await token.json()) as { access_token: string };
      const info = async (phoneNumber: string) => {
        const res = await fetch(`${s.url}/consent-info/v0/retrieve`, {
          method: 'POST',
          headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            phoneNumber,
            scopes: ['sim-swap:check'],
            purpose: CREDIT,
            requestCaptureUrl: false,
          }),
        });
        return { status: res.status, body: (await res.json()) as unknown };
      };
      const infos = [await info(KNOWN), await info('+34699999999')];
      expect(infos[0]).toEqual({
        status: 200,
        body: {
          statusInfo: [
            {
              scopes: ['sim-swap:check'],
              purpose: CREDIT,
              statusValidForProcessing: false,
              statusReason: 'REQUESTED',
            },
          ],
        },
      });
      expect(infos[1]).toEqual(infos[0]);

      const first = await pollBoth(ids);
      expect(first[0]).toMatchObject({
        status: 400,
        body: { error: 'authorization_pending', error_description: 'the subscriber has not answered yet' },
      });
      expect(first[1]).toEqual(first[0]);

      s.clock.advance(s.deps.config.ciba.expiresInSeconds * 1000);
      const expired = await pollBoth(ids);
      expect(expired[0]).toMatchObject({ status: 400, body: { error: 'expired_token' } });
      expect(expired[1]).toEqual(expired[0]);
    });

    it.each([
      ['ipport:', 'ipport:198.51.100.10:40010', 'ipport:198.51.100.10:40011'],
      ['operatortoken:', 'operatortoken:ts43-sandbox-0010', 'operatortoken:ts43-unknown'],
    ])('a %s hint that names nobody answers like one that names a subscriber', async (_, known, unknown) => {
      const { answers, ids } = await startBoth(known, unknown);
      expect(answers[0]).toMatchObject({ status: 200 });
      expect(answers[1]).toEqual(answers[0]);
      const first = await pollBoth(ids);
      expect(first[0]).toMatchObject({ status: 400, body: { error: 'authorization_pending' } });
      expect(first[1]).toEqual(first[0]);
    });

    it('the daily limit of consent requests is reached alike for a subscriber and for nobody', async () => {
      const [known, unknown] = ['tel:+34600000005', 'tel:+34699999998'];
      for (let i = 0; i < s.deps.config.consent.capturesPerDay; i++) {
        const { answers } = await startBoth(known, unknown);
        expect(answers[0]).toMatchObject({ status: 200 });
        expect(answers[1]).toEqual(answers[0]);
      }
      const { answers } = await startBoth(known, unknown);
      expect(answers[0]).toMatchObject({
        status: 403,
        body: {
          error: 'access_denied',
          error_description: 'too many consent requests to this subscriber; try later',
        },
      });
      expect(answers[1]).toEqual(answers[0]);
    });

    it('legitimate interest: nobody is refused like a subscriber who objected, on CIBA and JWT-bearer', async () => {
      const objected = '+34600000006';
      const optOut = await operatorPost(s, '/internal/opt-outs', { phoneNumber: objected, purpose: FRAUD });
      expect(optOut.status).toBe(201);
      const scope = `${FRAUD} sim-swap:check`;
      const { answers } = await startBoth(`tel:${objected}`, 'tel:+34699999997', scope);
      expect(answers[0]).toMatchObject({
        status: 403,
        body: { error: 'access_denied', error_description: 'access not allowed for this purpose' },
      });
      expect(answers[1]).toEqual(answers[0]);

      const grants = [await jwtBearer(`tel:${objected}`, scope), await jwtBearer('tel:+34699999997', scope)];
      expect(grants[0]).toMatchObject({ status: 400, body: NO_LEGAL_BASIS });
      expect(grants[1]).toEqual(grants[0]);
    });

    it.each([
      ['tel:', `tel:${KNOWN}`, 'tel:+34699999999'],
      ['operatortoken:', 'operatortoken:ts43-sandbox-0010', 'operatortoken:ts43-unknown'],
    ])(
      'JWT-bearer: a %s subject nobody holds is refused like a subscriber without consent',
      async (_, known, unknown) => {
        const scope = `${CREDIT} sim-swap:check`;
        const grants = [await jwtBearer(known, scope), await jwtBearer(unknown, scope)];
        expect(grants[0]).toEqual({
          status: 400,
          headers: grants[0]?.headers,
          fixed: expect.objectContaining({ 'cache-control': 'no-store' }),
          body: NO_LEGAL_BASIS,
        });
        expect(grants[1]).toEqual(grants[0]);
      },
    );
  },
);
