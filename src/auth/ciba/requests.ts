import { base64url } from 'jose';
import type { Deps } from '../../deps.js';
import { sha256Hex } from '../../hash.js';
import { grantKeys } from '../../store/keys.js';

/** One backchannel authentication request (CIBA Core §7), between bc-authorize and the token. */
export type CibaRequest = {
  clientId: string;
  subscriber: string;
  purpose: string;
  scopes: string[];
  openid: boolean;
  offlineAccess: boolean;
  amr: string[];
  /** approved: issue at the next poll; pending: follows `consentRequestId`. */
  status: 'approved' | 'pending';
  consentRequestId?: string | undefined;
  /**
   * The hint named no subscriber (`subscriber` is then only a stand-in): the request stays
   * pending until it expires or is denied, and never gives tokens.
   */
  nobody?: true | undefined;
  /** ms since epoch. */
  createdAt: number;
  expiresAt: number;
  /** The minimum polling interval; grows by 5 s at each slow_down (CIBA Core §11). */
  intervalSeconds: number;
  lastPollAt?: number | undefined;
  /** When the request was approved, seconds since epoch (the ID token's auth_time). */
  approvedAt?: number | undefined;
};

/** The auth_req_id is a bearer secret of the client: stored by its hash only. */
const KEY = (authReqId: string) => grantKeys.ciba(sha256Hex(authReqId));
/** Store lifetime beyond `expiresAt`, so that a late poll still learns expired_token. */
const GRACE_MS = 60_000;

export async function createCibaRequest(deps: Deps, request: CibaRequest): Promise<string> {
  const authReqId = base64url.encode(crypto.getRandomValues(new Uint8Array(32)));
  await saveCibaRequest(deps, authReqId, request);
  return authReqId;
}

export async function loadCibaRequest(deps: Deps, authReqId: string): Promise<CibaRequest | null> {
  const raw = await deps.store.get(KEY(authReqId));
  return raw === null ? null : (JSON.parse(raw) as CibaRequest);
}

export async function saveCibaRequest(deps: Deps, authReqId: string, request: CibaRequest): Promise<void> {
  const ttl = request.expiresAt - deps.clock.now() + GRACE_MS;
  await deps.store.set(KEY(authReqId), JSON.stringify(request), ttl);
}

/** Single use: only one poll can ever take an approved request. */
export async function takeCibaRequest(deps: Deps, authReqId: string): Promise<CibaRequest | null> {
  const raw = await deps.store.take(KEY(authReqId));
  return raw === null ? null : (JSON.parse(raw) as CibaRequest);
}

export async function deleteCibaRequest(deps: Deps, authReqId: string): Promise<void> {
  await deps.store.del(KEY(authReqId));
}
