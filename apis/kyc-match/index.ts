import type { ApiModule } from '../../src/api-module.js';
import type { AccessContext } from '../../src/auth/access-context.js';
import { requireLegalBasis } from '../../src/consent/enforce.js';
import type { Deps } from '../../src/deps.js';
import { policyFor } from '../../src/privacy/policies.js';
import { findEligibleSubscriber, requireScope, resolvePhoneNumber } from '../common/identifier.js';
import { apiRoute, createApiRouter } from '../common/router.js';
import { KYC_ERROR_TABLE } from './errors.js';
import { matchRoute, MatchResult, MatchScoreResult, SCOPES } from './routes.js';
import { checkParamCombination, matchKyc, type KycMatchPolicy } from './service.js';

const NAME = 'kyc-match';

/** The operator's KYC Match settings, narrowed to the fields the token's purpose may verify. */
const policyOf = (deps: Deps, access: AccessContext): KycMatchPolicy => ({
  idDocumentRequired: deps.config.kycMatch.idDocumentRequired,
  scores: deps.config.kycMatch.scores,
  verifiableFields: new Set(policyFor(deps.purposes, access.purpose, NAME).fields),
});

export const kycMatch: ApiModule = {
  name: NAME,
  title: 'Know Your Customer Match',
  version: '0.4.0',
  basePath: '/kyc-match/v0.4',
  scopes: ['kyc-match:match'],
  errors: KYC_ERROR_TABLE,
  router: () => {
    const router = createApiRouter();
    // Registered first so that the described uses in KYC_MatchResponse stay `allOf` references.
    router.openAPIRegistry.register('MatchResult', MatchResult);
    router.openAPIRegistry.register('MatchScoreResult', MatchScoreResult);

    // DESIGN §2 / SPEC-DIGEST §8.3: body (400, before this handler) → scope (403) → identifier
    // (422 MISSING_IDENTIFIER / 403 INVALID_TOKEN_CONTEXT) → parameter combination (400) →
    // legal basis (403) → subscriber (404) → eligibility (422) → purpose's fields (403) →
    // idDocument validation (403) → match.
    apiRoute(router, matchRoute, async (c) => {
      const { deps, access } = { deps: c.get('deps'), access: c.get('access') };
      const body = c.req.valid('json');
      requireScope(access, SCOPES.match);
      const phoneNumber = resolvePhoneNumber(access, body.phoneNumber, 'confirm');
      checkParamCombination(body);
      await requireLegalBasis(deps, access, phoneNumber, c.get('legalBasis'));
      const subscriber = await findEligibleSubscriber(deps.network, phoneNumber, NAME, { kyc: true });
      return c.json(matchKyc(body, subscriber.kyc, policyOf(deps, access)), 200);
    });
    return router;
  },
};
