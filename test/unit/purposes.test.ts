import { describe, expect, it } from 'vitest';
import { DEFAULT_PURPOSES, parsePurposeRegistry, PurposeRegistry } from '../../src/consent/purposes.js';
import { ConfigError, parseConfig } from '../../src/config.js';

const custom = {
  'dpv:FraudPreventionAndDetection': {
    title: 'Fraud prevention',
    description: 'to prevent fraud',
    legalBasis: { default: 'legitimate_interest', DE: 'consent' },
    apis: { 'sim-swap': { scopes: ['sim-swap:check'], policy: { maxAgeHours: 240 } } },
  },
};

describe('purpose registry', () => {
  it('gives the legal basis of the selected market, else the default', () => {
    const data = parsePurposeRegistry(JSON.stringify(custom));
    expect(new PurposeRegistry(data, undefined).legalBasis('dpv:FraudPreventionAndDetection')).toBe(
      'legitimate_interest',
    );
    expect(new PurposeRegistry(data, 'ES').legalBasis('dpv:FraudPreventionAndDetection')).toBe(
      'legitimate_interest',
    );
    expect(new PurposeRegistry(data, 'DE').legalBasis('dpv:FraudPreventionAndDetection')).toBe('consent');
    expect(new PurposeRegistry(data, 'DE').legalBasis('dpv:Marketing')).toBeUndefined();
    expect(data['dpv:FraudPreventionAndDetection']?.consentDays).toBe(365);
  });

  it('allows only the scopes the purpose lists (protocol and Consent Info scopes aside)', () => {
    const registry = new PurposeRegistry(DEFAULT_PURPOSES, undefined);
    expect(
      registry.allowsScopes('dpv:CreditChecking', ['sim-swap:check', 'openid', 'consent-info:retrieve']),
    ).toBe(true);
    expect(registry.allowsScopes('dpv:IdentityVerification', ['sim-swap:check'])).toBe(false);
    expect(registry.allowsScopes('dpv:Unknown', [])).toBe(false);
    expect(registry.get('toString')).toBeUndefined();
  });

  it('rejects malformed documents with every problem named', () => {
    expect(() => parsePurposeRegistry('{')).toThrow('not valid JSON');
    expect(() =>
      parsePurposeRegistry(JSON.stringify({ Fraud: custom['dpv:FraudPreventionAndDetection'] })),
    ).toThrow();
    const noDefault = {
      'dpv:X': { ...custom['dpv:FraudPreventionAndDetection'], legalBasis: { DE: 'consent' } },
    };
    expect(() => parsePurposeRegistry(JSON.stringify(noDefault))).toThrow('needs a default');
    const badField = {
      'dpv:X': {
        ...custom['dpv:FraudPreventionAndDetection'],
        apis: { 'kyc-match': { scopes: ['kyc-match:match'], policy: { fields: ['shoeSize'] } } },
      },
    };
    expect(() => parsePurposeRegistry(JSON.stringify(badField))).toThrow('apis.kyc-match.policy.fields');
  });

  it('is read from PURPOSE_REGISTRY and MARKET by parseConfig', () => {
    const config = parseConfig({ PURPOSE_REGISTRY: JSON.stringify(custom), MARKET: 'DE' });
    expect(config.market).toBe('DE');
    expect(Object.keys(config.purposeRegistry ?? {})).toEqual(['dpv:FraudPreventionAndDetection']);
    expect(() => parseConfig({ PURPOSE_REGISTRY: '[]', MARKET: 'de' })).toThrow(ConfigError);
    const error = (() => {
      try {
        parseConfig({ MARKET: 'de' });
      } catch (e) {
        return e as ConfigError;
      }
      return undefined;
    })();
    expect(error?.problems).toEqual(['MARKET: must be an ISO 3166-1 alpha-2 code']);
  });

  it('requires PSEUDONYM_KEYS in production and hashed operator keys', () => {
    const production = {
      NODE_ENV: 'production',
      SIGNING_KEYS: '{"keys":[]}',
      TOKEN_SECRET: 'A'.repeat(43),
      PUBLIC_URL: 'https://api.example.com',
    };
    expect(() => parseConfig(production)).toThrow('PSEUDONYM_KEYS: required in production');
    expect(() => parseConfig({ OPERATOR_API_KEYS: 'plain-key' })).toThrow('OPERATOR_API_KEYS');
    const hash = 'a'.repeat(64);
    expect(parseConfig({ OPERATOR_API_KEYS: `sha256:${hash}` }).operatorApiKeyHashes).toEqual([hash]);
  });
});
