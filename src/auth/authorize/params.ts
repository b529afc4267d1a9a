import type { Context } from 'hono';
import type { Application } from '../../admin/applications.js';
import type { Deps } from '../../deps.js';
import { OAuthError } from '../../errors.js';
import type { Env } from '../../http/env.js';
import { readStanding } from '../application-status.js';
import { readForm } from '../form.js';

const MAX_QUERY_LENGTH = 16_384;
const MAX_PARAM_LENGTH = 8_192;

/**
 * The authorization request's parameters: the query (GET) or the form (POST), OIDC Core §3.1.2.1.
 * RFC 6749 §3.1: no parameter twice, and a parameter without a value counts as omitted.
 */
export async function readAuthorizeParams(c: Context<Env>): Promise<Map<string, string>> {
  let entries: Iterable<[string, string]>;
  if (c.req.method === 'POST') {
    entries = await readForm(c);
  } else {
    const url = c.req.url;
    const at = url.indexOf('?');
    const query = at < 0 ? '' : url.slice(at + 1);
    if (query.length > MAX_QUERY_LENGTH) throw new OAuthError('invalid_request', 'request too large');
    entries = new URLSearchParams(query);
  }
  const params = new Map<string, string>();
  const seen = new Set<string>();
  for (const [name, value] of entries) {
    if (seen.has(name)) throw new OAuthError('invalid_request', `parameter ${name} repeated`);
    seen.add(name);
    if (value.length > MAX_PARAM_LENGTH)
      throw new OAuthError('invalid_request', `parameter ${name} too long`);
    if (value !== '') params.set(name, value);
  }
  return params;
}

/**
 * RFC 6749 §4.1.2.1: until the client and its redirect URI are known good, errors are shown to
 * the user agent (400), never sent to an unverified URI. The URI must equal a registered one
 * exactly (RFC 9700 §4.1.3: no pattern or prefix matching).
 */
export async function identifyClient(
  deps: Deps,
  clientId: string | undefined,
  redirectUri: string | undefined,
): Promise<{ app: Application; redirectUri: string }> {
  if (clientId === undefined) throw new OAuthError('invalid_request', 'client_id is required');
  const { app, refusal } = await readStanding(deps, clientId, 'oauth');
  if (app === null || refusal !== undefined) throw new OAuthError('invalid_request', 'unknown client');
  if (redirectUri === undefined) throw new OAuthError('invalid_request', 'redirect_uri is required');
  if (!(app.redirectUris ?? []).includes(redirectUri)) {
    throw new OAuthError('invalid_request', 'redirect_uri is not registered for this client');
  }
  return { app, redirectUri };
}
