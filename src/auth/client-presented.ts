import { decodeJwt } from 'jose';
import type { ClientAuthMethod } from '../admin/applications.js';
import { OAuthError } from '../errors.js';

export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** The client a request names and the credential it presents, not yet checked. */
export type Presented = { method: ClientAuthMethod; clientId: string; secret?: string; assertion?: string };

/**
 * RFC 6749 §5.2: invalid_client is answered 401 with the HTTP scheme the server supports
 * (RFC 9110 §11.6.1: a 401 carries a challenge); one description whatever the failed check.
 */
export const invalidClient = (description = 'client authentication failed') =>
  new OAuthError('invalid_client', description, { 'WWW-Authenticate': 'Basic realm="camara"' });

/**
 * The one client authentication method a request uses and the client it names: the Basic
 * header, client_secret_post, or a client assertion (its `iss`, read without verification).
 */
export function present(authorization: string | undefined, form: Map<string, string>): Presented {
  const assertion = form.get('client_assertion');
  const basic = authorization !== undefined && /^basic /i.test(authorization);
  const methods = [basic, form.has('client_secret'), assertion !== undefined];
  if (methods.filter(Boolean).length > 1) {
    throw new OAuthError('invalid_request', 'more than one client authentication method');
  }
  if (assertion !== undefined) {
    if (form.get('client_assertion_type') !== CLIENT_ASSERTION_TYPE) {
      throw new OAuthError('invalid_request', 'unsupported client_assertion_type');
    }
    let iss: unknown;
    try {
      iss = decodeJwt(assertion).iss;
    } catch {
      throw invalidClient();
    }
    // RFC 7523 §3: iss is the client; a client_id parameter, when sent, must name the same one.
    if (typeof iss !== 'string' || (form.has('client_id') && form.get('client_id') !== iss)) {
      throw invalidClient();
    }
    return { method: 'private_key_jwt', clientId: iss, assertion };
  }
  if (basic) {
    const decoded = decodeBasic((authorization as string).slice(6));
    if (decoded === null || (form.has('client_id') && form.get('client_id') !== decoded.clientId)) {
      throw invalidClient();
    }
    return { method: 'client_secret_basic', ...decoded };
  }
  const clientId = form.get('client_id');
  if (clientId !== undefined && form.has('client_secret')) {
    return { method: 'client_secret_post', clientId, secret: form.get('client_secret') as string };
  }
  throw invalidClient('client authentication required');
}

/** RFC 6749 §2.3.1: id and secret are form-urlencoded before base64. */
function decodeBasic(value: string): { clientId: string; secret: string } | null {
  try {
    const text = atob(value.trim());
    const i = text.indexOf(':');
    if (i < 0) return null;
    return { clientId: decodeURIComponent(text.slice(0, i)), secret: decodeURIComponent(text.slice(i + 1)) };
  } catch {
    return null;
  }
}
