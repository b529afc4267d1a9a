import { describe, expect, it } from 'vitest';
import { flowsPlatform, ISSUER } from '../support/flows.js';

describe('discovery metadata of the user flows (RFC 8414, OIDC Discovery, CIBA Core §4)', () => {
  it('announces the endpoints, grants and constraints the flows implement', async () => {
    const p = await flowsPlatform();
    const res = await p.app.request('/.well-known/openid-configuration');
    expect(res.status).toBe(200);
    const metadata = (await res.json()) as Record<string, unknown>;
    expect(metadata).toMatchObject({
      issuer: ISSUER,
      authorization_endpoint: `${ISSUER}/oauth2/authorize`,
      backchannel_authentication_endpoint: `${ISSUER}/oauth2/bc-authorize`,
      response_types_supported: ['code'],
      response_modes_supported: ['query'],
      code_challenge_methods_supported: ['S256'],
      authorization_response_iss_parameter_supported: true,
      request_parameter_supported: true,
      request_uri_parameter_supported: false,
      backchannel_token_delivery_modes_supported: ['poll'],
      backchannel_user_code_parameter_supported: false,
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['ES256'],
    });
    expect(metadata.grant_types_supported).toEqual(
      expect.arrayContaining([
        'authorization_code',
        'refresh_token',
        'urn:openid:params:grant-type:ciba',
        'urn:ietf:params:oauth:grant-type:jwt-bearer',
      ]),
    );
    expect(metadata.scopes_supported).toEqual(
      expect.arrayContaining(['openid', 'offline_access', 'sim-swap:check']),
    );
    for (const key of [
      'request_object_signing_alg_values_supported',
      'backchannel_authentication_request_signing_alg_values_supported',
    ]) {
      expect(metadata[key]).not.toContain('none');
      expect((metadata[key] as string[]).some((alg) => alg.startsWith('HS'))).toBe(false);
    }
  });
});
