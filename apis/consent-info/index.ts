import type { ApiModule } from '../../src/api-module.js';
import type { ProcessingStatus } from '../../src/consent/port.js';
import type { Deps } from '../../src/deps.js';
import { ApiError } from '../../src/errors.js';
import { requireScope, resolvePhoneNumber } from '../common/identifier.js';
import { apiRoute, createApiRouter } from '../common/router.js';
import { CONSENT_INFO_CODES, CONSENT_INFO_ERROR_TABLE, consentInfoError } from './errors.js';
import { retrieveStatusRoute, SCOPES } from './routes.js';

const notAllowed = () => consentInfoError(CONSENT_INFO_CODES.notAllowed);

/**
 * A capture for the consumer to show: the open request if there is one, else a new one, at most
 * CONSENT_CAPTURES_PER_DAY per application and subscriber, CIBA's included (each one notifies the
 * subscriber; the consent service counts them).
 * The URL handed to the consumer carries no credential: the subscriber answers through the link
 * the operator's channel delivered.
 */
async function captureUrl(
  deps: Deps,
  query: { clientId: string; purpose: string; subscriber: string; scopes: string[] },
  status: Extract<ProcessingStatus, { valid: false }>,
): Promise<string> {
  if (status.pendingRequestId !== null) return deps.consentLinks.publicCaptureUrl(status.pendingRequestId);
  const { request } = await deps.consent
    .requestConsent({ ...query, source: 'consent-info', ttlSeconds: deps.config.consent.requestTtlSeconds })
    .catch((error: unknown) => {
      if (!(error instanceof ApiError && error.code === 'CONSENT.TOO_MANY_REQUESTS')) throw error;
      throw consentInfoError(CONSENT_INFO_CODES.captureFrequency);
    });
  return deps.consentLinks.publicCaptureUrl(request.id);
}

/**
 * Consent Info, in the spirit of CAMARA ConsentInfo 0.2.0-rc.2: may this application process
 * this subscriber's data for its purpose and scopes now, and if not, why. Purpose-bound (the body
 * purpose must be the token's) and rate limited like every API. Deliberate deviation: no
 * subscriber lookup (no 404 IDENTIFIER_NOT_FOUND), so the answer never reveals whether a number
 * exists; an unknown number simply never becomes valid for consent-based purposes.
 */
export const consentInfo: ApiModule = {
  name: 'consent-info',
  title: 'Consent Info',
  version: '0.2.0-rc.2',
  basePath: '/consent-info/v0',
  scopes: [...SCOPES],
  legalBasis: false,
  errors: CONSENT_INFO_ERROR_TABLE,
  router: () => {
    const router = createApiRouter();
    apiRoute(router, retrieveStatusRoute, async (c) => {
      const { deps, access } = { deps: c.get('deps'), access: c.get('access') };
      const body = c.req.valid('json');
      requireScope(access, SCOPES);
      const subscriber = resolvePhoneNumber(access, body.phoneNumber, 'exclusive');
      const app = await deps.applications.recent(access.clientId);
      if (
        body.purpose !== access.purpose ||
        app === null ||
        !body.scopes.every((s) => app.scopes.includes(s))
      )
        throw notAllowed();
      const query = { clientId: access.clientId, purpose: body.purpose, subscriber, scopes: body.scopes };
      const status = await deps.consentManager.status(query).catch((error: unknown) => {
        throw error instanceof ApiError && error.code.startsWith('CONSENT.') ? notAllowed() : error;
      });
      const info = {
        scopes: body.scopes,
        purpose: body.purpose,
        statusValidForProcessing: status.valid,
        ...(status.valid ? {} : { statusReason: status.reason }),
        ...(status.expiresAt !== null && (status.valid || status.reason === 'EXPIRED')
          ? { expirationDate: new Date(status.expiresAt).toISOString() }
          : {}),
      };
      if (
        status.valid ||
        !body.requestCaptureUrl ||
        !['PENDING', 'REQUESTED', 'EXPIRED'].includes(status.reason)
      )
        return c.json({ statusInfo: [info] }, 200);
      // ConsentInfo: the reason stays what it was (PENDING, REQUESTED or EXPIRED) alongside the URL.
      const url = await captureUrl(deps, query, status);
      return c.json({ statusInfo: [info], captureUrl: url }, 200);
    });
    return router;
  },
};
