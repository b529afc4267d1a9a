export { Pseudonymizer, parsePseudonymKeys, type PseudonymKey } from './pseudonym.js';
export {
  KYC_FIELDS,
  DEFAULT_POLICIES,
  policyFor,
  effectiveSimSwapPolicy,
  assertKycFieldsAllowed,
  assertNumberVerificationAllowed,
  onlyFields,
  type KycField,
  type ApiPolicies,
  type PolicyApi,
  type PolicySource,
  type SimSwapDataPolicy,
  type KycMatchDataPolicy,
  type NumberVerificationDataPolicy,
} from './policies.js';
