import { base64url } from 'jose';
import type { Deps } from '../../deps.js';
import { ApiError } from '../../errors.js';
import type { Application, Credential, SecretCredential } from '../applications.js';
import { DEFAULT_SECRET_TTL, planOf } from './plans.js';
/** Rotation: how long the previous secrets keep working once a new one is issued, by default. */
export const DEFAULT_OVERLAP_SECONDS = 86_400;
export const MAX_OVERLAP_SECONDS = 30 * 86_400;

export type IssueOptions = { expiresInSeconds?: number | undefined; overlapSeconds?: number | undefined };

/**
 * Issues a client secret: 256 random bits (DESIGN §3), returned once and stored as its HMAC. The
 * application's earlier secrets stay valid for the overlap window at most, so that a partner
 * rolls the new one out without downtime (rotation); `overlapSeconds: 0` retires them at once.
 * `secret` is the sandbox seed's published demo value only; the admin routes never pass one.
 */
export async function issueSecret(
  deps: Deps,
  app: Application,
  options: IssueOptions,
  secret: string = base64url.encode(crypto.getRandomValues(new Uint8Array(32))),
): Promise<{ application: Application; credential: SecretCredential; secret: string }> {
  const now = deps.clock.now();
  const policy = (await planOf(deps, app.plan))?.secretTtl ?? DEFAULT_SECRET_TTL;
  const ttl = options.expiresInSeconds ?? Math.min(policy.defaultSeconds, policy.maxSeconds);
  if (ttl > policy.maxSeconds)
    throw new ApiError('OUT_OF_RANGE', `expiresInSeconds: at most ${policy.maxSeconds} on plan ${app.plan}.`);
  const overlapEnd = now + (options.overlapSeconds ?? DEFAULT_OVERLAP_SECONDS) * 1000;
  const credential: SecretCredential = {
    id: `cred-${base64url.encode(crypto.getRandomValues(new Uint8Array(9)))}`,
    kind: 'client_secret',
    hash: await deps.clientSecrets.hash(secret),
    createdAt: now,
    expiresAt: now + ttl * 1000,
  };
  // Applied to the record as stored (again after a lost race): a rotation keeps whatever a
  // concurrent edit wrote, its suspension and the other rotations' secrets included.
  const application = await deps.applications.update(app.clientId, (current) => {
    const previous = endOverlap(current.credentials ?? [], 'client_secret', overlapEnd);
    // A secret from before credentials existed becomes one, so that it expires with the overlap too.
    if (current.secretHash !== undefined)
      previous.push({
        id: 'legacy',
        kind: 'client_secret',
        hash: current.secretHash,
        createdAt: now,
        expiresAt: overlapEnd,
      });
    return { ...current, secretHash: undefined, credentials: [...pruned(previous, now), credential] };
  });
  return { application, credential, secret };
}

/**
 * Rotation: the live credentials of `kind` end at `overlapEnd` at the latest, so that the new
 * one and the earlier ones overlap that long; credentials of the other kind are untouched.
 */
export function endOverlap(
  credentials: readonly Credential[],
  kind: Credential['kind'],
  overlapEnd: number,
): Credential[] {
  return credentials.map((c) =>
    c.kind === kind && c.revokedAt === undefined && c.expiresAt > overlapEnd
      ? { ...c, expiresAt: overlapEnd }
      : c,
  );
}

/** Expired and revoked entries older than a day are dropped: the record stays small. */
export const pruned = (credentials: readonly Credential[], now: number) =>
  credentials.filter((c) => (c.revokedAt ?? c.expiresAt) > now - 86_400_000);

/**
 * Revokes one credential of `kind` at once (DELETE …/secrets/{id}, …/keys/{id}); 404 when the
 * application has no live one of that kind by that id.
 */
export async function revokeCredential(
  deps: Deps,
  app: Application,
  credentialId: string,
  kind: Credential['kind'],
): Promise<void> {
  const now = deps.clock.now();
  await deps.applications.update(app.clientId, (current) => {
    const credentials = current.credentials ?? [];
    // Checked on the record as stored: a credential revoked or pruned meanwhile is a 404.
    if (!credentials.some((c) => c.id === credentialId && c.kind === kind && c.revokedAt === undefined))
      throw new ApiError('NOT_FOUND');
    return {
      ...current,
      credentials: credentials.map((c) => (c.id === credentialId ? { ...c, revokedAt: now } : c)),
    };
  });
}

/** Whether a credential authenticates at `now`: unrevoked and unexpired. */
export const isLive = (c: Credential, now: number) => c.revokedAt === undefined && c.expiresAt > now;

/** The stored secrets that authenticate at `now`: unexpired, unrevoked, and the legacy one. */
export function liveSecretHashes(app: Application, now: number): string[] {
  const live = (app.credentials ?? [])
    .filter((c): c is SecretCredential => c.kind === 'client_secret' && isLive(c, now))
    .map((c) => c.hash);
  return app.secretHash === undefined ? live : [app.secretHash, ...live];
}
