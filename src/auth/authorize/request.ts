import type { Application } from '../../admin/applications.js';
import type { Deps } from '../../deps.js';
import { OAuthError } from '../../errors.js';
import { GRANT } from '../grants/grant-types.js';
import { parseUserScope, requireGrantType } from '../grants/user-scope.js';
import { verifyRequestObject } from '../request-object.js';

/** A validated authorization request (the subscriber is added by network-based authentication). */
export type AuthorizeRequest = {
  clientId: string;
  redirectUri: string;
  purpose: string;
  scopes: string[];
  openid: boolean;
  offlineAccess: boolean;
  state?: string | undefined;
  nonce?: string | undefined;
  /** PKCE S256 challenge (RFC 7636 §4.2). */
  codeChallenge: string;
  /** prompt=none: never ask, answer consent_required instead. */
  promptNone: boolean;
};

/** ICM §7.3: sent in clear as well as signed, and equal. */
const CLEAR_AND_SIGNED = ['scope', 'response_type', 'client_id', 'redirect_uri'];
const PROMPTS = new Set(['none', 'login', 'consent', 'select_account']);
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;
const MAX_STATE_LENGTH = 512;

/**
 * The parameters that count: with a signed request object (RFC 9101, ICM §7.3) they all come from
 * it, and scope, response_type, client_id and redirect_uri must be repeated in clear, equal.
 */
export async function effectiveParams(
  deps: Deps,
  app: Application,
  clear: Map<string, string>,
): Promise<Map<string, string>> {
  if (clear.has('request_uri'))
    throw new OAuthError('request_uri_not_supported', 'request_uri is not supported');
  const jwt = clear.get('request');
  if (jwt === undefined) return clear;
  const issuer = deps.config.publicUrl;
  const signed = await verifyRequestObject(deps, app, jwt, [`${issuer}/oauth2/authorize`, issuer]);
  for (const name of CLEAR_AND_SIGNED) {
    if (!clear.has(name))
      throw new OAuthError('invalid_request', `${name} must also be sent outside the request object`);
    if (clear.get(name) !== signed.get(name)) {
      throw new OAuthError('invalid_request_object', `${name} differs from the request object`);
    }
  }
  return signed;
}

/**
 * OIDC Core §3.1.2.2 checks, in the ICM profile: response_type code only, PKCE S256 required
 * (plain refused), exactly one purpose, scopes inside the onboarding record. login_hint and
 * acr_values are ignored (ICM §7.4); prompt=none is implied, so no value ever shows a login page.
 */
export function validateAuthorizeRequest(
  app: Application,
  redirectUri: string,
  params: Map<string, string>,
  catalogue: ReadonlyMap<string, string>,
): AuthorizeRequest {
  const responseType = params.get('response_type');
  if (responseType === undefined) throw new OAuthError('invalid_request', 'response_type is required');
  if (responseType !== 'code') throw new OAuthError('unsupported_response_type', 'only response_type=code');
  requireGrantType(app, GRANT.authorizationCode);
  const mode = params.get('response_mode');
  if (mode !== undefined && mode !== 'query')
    throw new OAuthError('invalid_request', 'only response_mode=query');
  const state = params.get('state');
  const nonce = params.get('nonce');
  if ((state?.length ?? 0) > MAX_STATE_LENGTH || (nonce?.length ?? 0) > MAX_STATE_LENGTH) {
    throw new OAuthError('invalid_request', 'state or nonce too long');
  }
  const scope = parseUserScope(params.get('scope'), catalogue, app, { protocolScopes: true });
  // RFC 7636 §4.3: an absent method means plain, which this server refuses (RFC 9700 §2.1.1).
  if (params.get('code_challenge_method') !== 'S256') {
    throw new OAuthError('invalid_request', 'PKCE with code_challenge_method=S256 is required');
  }
  const codeChallenge = params.get('code_challenge');
  if (codeChallenge === undefined || !S256_CHALLENGE.test(codeChallenge)) {
    throw new OAuthError('invalid_request', 'code_challenge missing or malformed');
  }
  const prompts = (params.get('prompt') ?? '').split(' ').filter((p) => p !== '');
  if (prompts.some((p) => !PROMPTS.has(p)) || (prompts.includes('none') && prompts.length > 1)) {
    throw new OAuthError('invalid_request', 'invalid prompt');
  }
  return {
    clientId: app.clientId,
    redirectUri,
    purpose: scope.purpose,
    scopes: scope.scopes,
    openid: scope.protocol.includes('openid'),
    offlineAccess: scope.protocol.includes('offline_access'),
    state,
    nonce,
    codeChallenge,
    promptNone: prompts.includes('none'),
  };
}
