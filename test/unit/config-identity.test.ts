import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';
import { configProblems } from '../support/config-problems.js';

const problems = configProblems;

describe('configuration of KYC Match and the network backend', () => {
  it('defaults: sandbox network, no idDocument requirement, scores on', () => {
    const config = parseConfig({});
    expect(config.networkBackend).toBe('sandbox');
    expect(config.networkHttp).toBeUndefined();
    expect(config.kycMatch).toEqual({ idDocumentRequired: false, scores: true });
  });

  it('reads the KYC flags', () => {
    expect(parseConfig({ KYC_ID_DOCUMENT_REQUIRED: 'true', KYC_MATCH_SCORES: 'false' }).kycMatch).toEqual({
      idDocumentRequired: true,
      scores: false,
    });
    expect(problems({ KYC_ID_DOCUMENT_REQUIRED: 'yes' })).toHaveLength(1);
  });

  it('the http backend needs a URL and a credential', () => {
    expect(problems({ NETWORK_BACKEND: 'http' })).toEqual([
      'NETWORK_HTTP_URL: required when NETWORK_BACKEND=http',
      'NETWORK_HTTP_TOKEN: required when NETWORK_BACKEND=http',
    ]);
    expect(
      parseConfig({
        NETWORK_BACKEND: 'http',
        NETWORK_HTTP_URL: 'https://bss.example/v1/',
        NETWORK_HTTP_TOKEN: 't',
      }).networkHttp,
    ).toEqual({ url: 'https://bss.example/v1', token: 't', timeoutMs: 3000 });
  });

  it('refuses a BSS URL that is not http(s), and plain http in production', () => {
    expect(
      problems({ NETWORK_BACKEND: 'http', NETWORK_HTTP_URL: 'ftp://bss', NETWORK_HTTP_TOKEN: 't' }),
    ).toHaveLength(1);
    // Only this problem is asserted: the other production requirements are tested with the config.
    expect(
      problems({
        NODE_ENV: 'production',
        NETWORK_BACKEND: 'http',
        NETWORK_HTTP_URL: 'http://bss.internal',
        NETWORK_HTTP_TOKEN: 't',
      }),
    ).toContain('NETWORK_HTTP_URL: must be https:// in production');
    expect(
      problems({
        NODE_ENV: 'production',
        NETWORK_BACKEND: 'http',
        NETWORK_HTTP_URL: 'https://bss.internal',
        NETWORK_HTTP_TOKEN: 't',
      }),
    ).not.toContain('NETWORK_HTTP_URL: must be https:// in production');
  });
});
