import type { Lifecycle } from '../src/admin/inventory.js';
import type { ApiModule } from '../src/api-module.js';
import { consentInfo } from './consent-info/index.js';
import { kycMatch } from './kyc-match/index.js';
import { numberVerification } from './number-verification/index.js';
import { simSwap } from './sim-swap/index.js';

/** The product catalogue: every CAMARA API this platform exposes. */
export const API_MODULES: readonly ApiModule[] = [simSwap, kycMatch, numberVerification, consentInfo];

/**
 * What the API inventory adds to the modules (src/admin/inventory.ts, docs/operations.md): the
 * versions being deprecated (by basePath, with their sunset and successor) and the retired ones,
 * which answer 410 GONE. Every version served today is active.
 */
export const API_LIFECYCLE: Lifecycle = { deprecated: {}, retired: [] };
