import { base64url } from 'jose';
import type { Deps } from '../../deps.js';
import { ApiError } from '../../errors.js';
import type { Application, Credential } from '../applications.js';
import { DEFAULT_SECRET_TTL, planOf } from './plans.js';
/** Rotation: how long the previous secrets keep working once a new one is issued, by default. */
export const DEFAULT_OVERLAP_SECONDS = 86_400;
export const MAX_OVERLAP_SECONDS = 30 * 86_400;

/** A credential as the admin API shows it: never its hash. */
export type CredentialView = Omit<Credential, 'hash'>;
export const credentialView = ({ hash: _hash, ...view }: Credential): CredentialView => view;

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
): Promise<{ application: Application; credential: Credential; secret: string }> {
  const now = deps.clock.now();
  const policy = (await planOf(deps, app.plan))?.secretTtl ?? DEFAULT_SECRET_TTL;
  const ttl = options.expiresInSeconds ?? Math.min(policy.defaultSeconds, policy.maxSeconds);
  if (ttl > policy.maxSeconds)
    throw new ApiError('OUT_OF_RANGE', `expiresInSeconds: at most ${policy.maxSeconds} on plan ${app.plan}.`);
  const overlapEnd = now + (options.overlapSeconds ?? DEFAULT_OVERLAP_SECONDS) * 1000;
  const previous: Credential[] = (app.credentials ?? []).map((c) =>
    c.revokedAt === undefined && c.expiresAt > overlapEnd ? { ...c, expiresAt: overlapEnd } : c,
  );
  // A secret from before credentials existed becomes one, so that it expires with the overlap too.
  if (app.secretHash !== undefined)
    previous.push({
      id: 'legacy',
      kind: 'client_secret',
      hash: app.secretHash,
      createdAt: now,
      expiresAt: overlapEnd,
    });
  const credential: Credential = {
    id: `cred-${base64url.encode(crypto.getRandomValues(new Uint8Array(9)))}`,
    kind: 'client_secret',
    hash: await deps.clientSecrets.hash(secret),
    createdAt: now,
    expiresAt: now + ttl * 1000,
  };
  // Expired and revoked entries older than a day are dropped: the record stays small.
  const kept = previous.filter((c) => (c.revokedAt ?? c.expiresAt) > now - 86_400_000);
  const application: Application = { ...app, secretHash: undefined, credentials: [...kept, credential] };
  await deps.applications.put(application);
  return { application, credential, secret };
}

/** Revokes one credential at once (DELETE …/secrets/{id}); 404 when the application has none by that id. */
export async function revokeCredential(deps: Deps, app: Application, credentialId: string): Promise<void> {
  const found = (app.credentials ?? []).find((c) => c.id === credentialId && c.revokedAt === undefined);
  if (found === undefined) throw new ApiError('NOT_FOUND');
  const now = deps.clock.now();
  await deps.applications.put({
    ...app,
    credentials: (app.credentials ?? []).map((c) => (c.id === credentialId ? { ...c, revokedAt: now } : c)),
  });
}

/** The stored secrets that authenticate at `now`: unexpired, unrevoked, and the legacy one. */
export function liveSecretHashes(app: Application, now: number): string[] {
  const live = (app.credentials ?? [])
    .filter((c) => c.kind === 'client_secret' && c.revokedAt === undefined && c.expiresAt > now)
    .map((c) => c.hash);
  return app.secretHash === undefined ? live : [app.secretHash, ...live];
}
