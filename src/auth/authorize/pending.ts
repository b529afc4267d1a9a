import { base64url } from 'jose';
import type { Deps } from '../../deps.js';
import { sha256Hex } from '../../hash.js';
import type { AuthorizeRequest } from './request.js';
import { grantKeys } from '../../store/keys.js';

/** An authorization waiting for the subscriber's consent, keyed by the consent request id. */
export type PendingAuthorization = {
  request: AuthorizeRequest;
  subscriber: string;
  /** Seconds since epoch: when the network identified the subscriber. */
  authTime: number;
  /** SHA-256 of the browser binding cookie set when the consent page was opened. */
  bindingHash: string;
};

const KEY = grantKeys.pendingAuthorization;

/** The cookie that ties the return from the consent page to the browser that left for it. */
export const bindingCookieName = (consentRequestId: string) => `cg_authz_${consentRequestId}`;

export async function savePending(
  deps: Deps,
  consentRequestId: string,
  pending: Omit<PendingAuthorization, 'bindingHash'>,
  ttlSeconds: number,
): Promise<string> {
  const binding = base64url.encode(crypto.getRandomValues(new Uint8Array(32)));
  const record: PendingAuthorization = { ...pending, bindingHash: sha256Hex(binding) };
  await deps.store.set(KEY(consentRequestId), JSON.stringify(record), ttlSeconds * 1000);
  return binding;
}

/** Single use: the return from the consent page is processed once. */
export async function takePending(
  deps: Deps,
  consentRequestId: string,
): Promise<PendingAuthorization | null> {
  const raw = await deps.store.take(KEY(consentRequestId));
  return raw === null ? null : (JSON.parse(raw) as PendingAuthorization);
}
