import type { ApiModule } from '../src/api-module.js';
import { consentInfo } from './consent-info/index.js';
import { kycMatch } from './kyc-match/index.js';
import { numberVerification } from './number-verification/index.js';
import { simSwap } from './sim-swap/index.js';

/** The product catalogue: every CAMARA API this platform exposes. */
export const API_MODULES: readonly ApiModule[] = [simSwap, kycMatch, numberVerification, consentInfo];
