import { OAuthError } from '../errors.js';

/** Scope values that are not CAMARA API scopes but are understood by the server. */
export const PROTOCOL_SCOPES = new Set(['openid', 'offline_access']);

export type ScopeRequest = { purpose: string; scopes: string[]; protocol: string[] };

const PURPOSE = /^dpv:[A-Za-z][A-Za-z0-9]*$/;
const MAX_SCOPE_LENGTH = 2048;

/**
 * ICM §scope: exactly one `dpv:` purpose per request, accepted as `dpv:X api:scope` or the
 * legacy `dpv:X#api:scope`; `catalogue` maps every known API scope to its API.
 */
export function parseScope(raw: string | undefined, catalogue: ReadonlyMap<string, string>): ScopeRequest {
  if (raw === undefined || raw.trim() === '') throw new OAuthError('invalid_scope', 'scope is required');
  if (raw.length > MAX_SCOPE_LENGTH) throw new OAuthError('invalid_scope', 'scope is too long');
  const purposes = new Set<string>();
  const scopes = new Set<string>();
  const protocol = new Set<string>();
  for (const token of raw.split(' ').filter((t) => t !== '')) {
    const [head, tail, ...rest] = token.split('#');
    if (rest.length > 0 || head === undefined) throw new OAuthError('invalid_scope', 'malformed scope value');
    if (head.startsWith('dpv:')) {
      if (!PURPOSE.test(head)) throw new OAuthError('invalid_scope', 'malformed purpose');
      purposes.add(head);
      if (tail !== undefined) addScope(tail, catalogue, scopes, protocol);
    } else if (tail !== undefined) {
      throw new OAuthError('invalid_scope', 'malformed scope value');
    } else {
      addScope(head, catalogue, scopes, protocol);
    }
  }
  // ICM: "There MUST be exactly one purpose."
  if (purposes.size !== 1) throw new OAuthError('invalid_scope', 'exactly one dpv: purpose is required');
  if (scopes.size === 0) throw new OAuthError('invalid_scope', 'no API scope requested');
  return { purpose: [...purposes][0] as string, scopes: [...scopes], protocol: [...protocol] };
}

function addScope(
  value: string,
  catalogue: ReadonlyMap<string, string>,
  scopes: Set<string>,
  protocol: Set<string>,
) {
  if (PROTOCOL_SCOPES.has(value)) protocol.add(value);
  else if (catalogue.has(value)) scopes.add(value);
  else throw new OAuthError('invalid_scope', 'unknown scope');
}
