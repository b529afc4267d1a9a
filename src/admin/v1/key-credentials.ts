import { base64url, type JWK } from 'jose';
import type { Deps } from '../../deps.js';
import { ApiError } from '../../errors.js';
import type { Application, Credential, KeyCredential } from '../applications.js';
import { checkJwks } from '../jwks-document.js';
import { DEFAULT_OVERLAP_SECONDS, endOverlap, isLive, pruned } from './credentials.js';
import { DEFAULT_SECRET_TTL, planOf } from './plans.js';

export type KeyInput = {
  jwks?: { keys: Record<string, unknown>[] } | undefined;
  jwksUri?: string | undefined;
  expiresInSeconds?: number | undefined;
  overlapSeconds?: number | undefined;
};

const invalid = (message: string) => new ApiError('INVALID_ARGUMENT', message);

/**
 * Registers the public keys an application signs its private_key_jwt assertions with, as a
 * credential that expires like a secret: its lifetime's default and maximum are the plan's (the
 * plan's secretTtl, one policy for every credential). Rotation: the application's earlier keys,
 * the legacy `jwks`/`jwksUri` of its record among them, keep working for the overlap window only.
 */
export async function registerKey(
  deps: Deps,
  app: Application,
  input: KeyInput,
): Promise<{ application: Application; credential: KeyCredential }> {
  const key = await newKey(deps, app, input);
  const application = await deps.applications.update(app.clientId, (current) => withKey(current, key));
  return { application, credential: key.credential };
}

/** A key to register: checked, and its credential built once, whatever the attempts of the write. */
export type NewKey = { credential: KeyCredential; overlapEnd: number; now: number };

/** Checks the keys and their lifetime on the plan of `app`; nothing is written. */
export async function newKey(deps: Deps, app: Application, input: KeyInput): Promise<NewKey> {
  if ((input.jwks === undefined) === (input.jwksUri === undefined))
    throw invalid('jwks and jwksUri: give one, not both.');
  if (input.jwks !== undefined) {
    // A set that holds a private key is refused whole: publishing it made it worthless.
    const problem = checkJwks(input.jwks);
    if (problem !== undefined) throw invalid(`jwks: ${problem}.`);
  }
  if (input.jwksUri !== undefined) {
    // SSRF: no internal, link-local (cloud metadata) or private address, https only.
    const problem = deps.jwksUriKeys.check(input.jwksUri);
    if (problem !== undefined) throw invalid(`jwksUri: ${problem}.`);
  }
  const now = deps.clock.now();
  const policy = (await planOf(deps, app.plan))?.secretTtl ?? DEFAULT_SECRET_TTL;
  const ttl = input.expiresInSeconds ?? Math.min(policy.defaultSeconds, policy.maxSeconds);
  if (ttl > policy.maxSeconds)
    throw new ApiError('OUT_OF_RANGE', `expiresInSeconds: at most ${policy.maxSeconds} on plan ${app.plan}.`);
  const credential: KeyCredential = {
    id: `key-${base64url.encode(crypto.getRandomValues(new Uint8Array(9)))}`,
    kind: 'key',
    ...(input.jwks === undefined ? {} : { jwks: input.jwks as { keys: JWK[] } }),
    ...(input.jwksUri === undefined ? {} : { jwksUri: input.jwksUri }),
    createdAt: now,
    expiresAt: now + ttl * 1000,
  };
  return { credential, now, overlapEnd: now + (input.overlapSeconds ?? DEFAULT_OVERLAP_SECONDS) * 1000 };
}

/**
 * The record as stored with the new key: its earlier keys end with the overlap. Applied to the
 * record read at the write (again after a lost race), so that a concurrent edit is kept.
 */
export function withKey(app: Application, { credential, now, overlapEnd }: NewKey): Application {
  const previous = endOverlap(app.credentials ?? [], 'key', overlapEnd);
  // Keys from before key credentials existed become one, so that they end with the overlap too.
  if (app.jwks !== undefined || app.jwksUri !== undefined)
    previous.push({
      id: 'legacy-key',
      kind: 'key',
      ...(app.jwks === undefined ? {} : { jwks: app.jwks }),
      ...(app.jwksUri === undefined ? {} : { jwksUri: app.jwksUri }),
      createdAt: now,
      expiresAt: overlapEnd,
    });
  return { ...app, jwks: undefined, jwksUri: undefined, credentials: [...pruned(previous, now), credential] };
}

/** The key credentials that authenticate at `now`: unexpired and unrevoked. */
export const liveKeys = (app: Application, now: number): KeyCredential[] =>
  (app.credentials ?? []).filter((c: Credential): c is KeyCredential => c.kind === 'key' && isLive(c, now));
