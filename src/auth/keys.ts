import {
  base64url,
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  type JWTVerifyGetKey,
} from 'jose';
import { systemClock, type Clock } from '../clock.js';
import {
  leadFor,
  nextGenerationAt,
  slotsDue,
  slotStart,
  timeline,
  type RotationSchedule,
} from './key-rotation.js';

export const SIGNING_ALG = 'ES256';

export type SigningKey = {
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  /** The public part only, as published in the JWKS. */
  publicJwk: JWK;
  /** Starts signing at this instant (ms since epoch). */
  nbf: number;
};

export type KeyOptions = {
  clock?: Clock;
  /**
   * How long a key stays published after it stopped signing: the longest lifetime of a token it
   * signed (ACCESS_TOKEN_TTL_SECONDS) plus a margin for the verifiers' clock skew.
   */
  retentionSeconds?: number;
};

/** Added to the token lifetime before a superseded key leaves the JWKS (verifiers' clock skew). */
export const RETENTION_MARGIN_S = 60;
const DEFAULT_RETENTION_S = 600 + RETENTION_MARGIN_S;
const DEFAULT_ROTATION_MS = 24 * 3_600_000;

type State = { signer: SigningKey | undefined; published: SigningKey[]; until: number };

/**
 * The platform's token signing keys (ES256). The newest active key signs; the JWKS publishes the
 * upcoming key, the signing key and superseded keys whose tokens may still be alive (rotation
 * overlap). Which key does what is a function of the injected clock (key-rotation.ts), evaluated
 * when asked: no timers.
 *
 * - Configured (SIGNING_KEYS): a JWK set of private EC P-256 keys; each key may carry `nbf`
 *   (NumericDate, seconds) = when it starts signing; without `nbf` a key is active at once, and
 *   among undated keys the first listed signs while the others stay published until removed.
 * - Embedded (no SIGNING_KEYS): keys are generated in process on a schedule, each one published
 *   `leadFor(period)` before it signs. Tokens die with the process.
 */
export class SigningKeys {
  readonly verifyKey: JWTVerifyGetKey;
  private state: State = { signer: undefined, published: [], until: Number.NEGATIVE_INFINITY };
  private pending: Promise<void> | undefined;

  private constructor(
    private keys: SigningKey[],
    private readonly clock: Clock,
    private readonly retentionMs: number,
    private readonly schedule: RotationSchedule | undefined,
  ) {
    this.verifyKey = async (header) => {
      const key = (await this.current()).published.find((k) => k.kid === header.kid);
      if (key === undefined) throw new Error('no published key for this kid');
      return key.publicKey;
    };
  }

  /** The key that signs now. */
  async signingKey(): Promise<SigningKey> {
    const { signer } = await this.current();
    if (signer === undefined) throw new Error('no signing key is active');
    return signer;
  }

  /** The public JWK set (RFC 7517): never a private member. */
  async jwks(): Promise<{ keys: JWK[] }> {
    return { keys: (await this.current()).published.map((k) => ({ ...k.publicJwk })) };
  }

  private async current(): Promise<State> {
    const now = this.clock.now();
    if (now < this.state.until) return this.state;
    if (this.schedule !== undefined) {
      this.pending ??= this.rotate(now).finally(() => (this.pending = undefined));
      await this.pending;
    }
    const t = timeline(this.keys, now, this.retentionMs);
    this.keys = this.keys.filter((k) => t.published.includes(k));
    const until =
      this.schedule === undefined
        ? t.nextChangeAt
        : Math.min(t.nextChangeAt, nextGenerationAt(this.schedule, now));
    this.state = { signer: t.signer, published: t.published, until };
    return this.state;
  }

  /** Embedded mode: generates the keys the schedule wants by now (the current and the next slot). */
  private async rotate(now: number): Promise<void> {
    const schedule = this.schedule as RotationSchedule;
    for (const slot of slotsDue(schedule, now)) {
      const nbf = slotStart(schedule, slot);
      if (!this.keys.some((k) => k.nbf === nbf)) this.keys.push(await generateKey(nbf));
    }
  }

  /** Embedded mode: generated keys, rotated every `rotationHours` (default 24 h). */
  static async generate(options: KeyOptions & { rotationHours?: number } = {}): Promise<SigningKeys> {
    const clock = options.clock ?? systemClock;
    const periodMs =
      options.rotationHours === undefined ? DEFAULT_ROTATION_MS : options.rotationHours * 3_600_000;
    const schedule = { origin: clock.now(), periodMs, leadMs: leadFor(periodMs) };
    const keys = new SigningKeys([], clock, retentionMsOf(options), schedule);
    await keys.current();
    return keys;
  }

  /** Configured mode: a JSON JWK set of private EC P-256 keys (docs/authorization-server.md). */
  static async fromJwkSet(json: string, options: KeyOptions = {}): Promise<SigningKeys> {
    const clock = options.clock ?? systemClock;
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch {
      throw new Error('SIGNING_KEYS: not valid JSON');
    }
    const jwks = (parsed as { keys?: unknown }).keys;
    if (!Array.isArray(jwks) || jwks.length === 0) throw new Error('SIGNING_KEYS: no keys');
    const keys: SigningKey[] = [];
    for (const jwk of jwks as JWK[]) {
      const key = await importSigningKey(jwk);
      if (keys.some((k) => k.kid === key.kid)) throw new Error(`SIGNING_KEYS: kid ${key.kid} is repeated`);
      keys.push(key);
    }
    const signingKeys = new SigningKeys(keys, clock, retentionMsOf(options), undefined);
    if ((await signingKeys.current()).signer === undefined) {
      throw new Error('SIGNING_KEYS: no key is active yet (every nbf is in the future)');
    }
    return signingKeys;
  }
}

const retentionMsOf = (options: KeyOptions) => (options.retentionSeconds ?? DEFAULT_RETENTION_S) * 1000;

/** Only these members are published: a private member (`d`, …) can never leak into the JWKS. */
function publicPart(jwk: JWK, kid: string): JWK {
  return { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, kid, alg: SIGNING_ALG, use: 'sig' };
}

async function generateKey(nbf: number): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(SIGNING_ALG);
  const jwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(jwk);
  return { kid, privateKey, publicKey, publicJwk: publicPart(jwk, kid), nbf };
}

async function importSigningKey(jwk: JWK): Promise<SigningKey> {
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || typeof jwk.d !== 'string') {
    throw new Error('SIGNING_KEYS: every key must be a private EC P-256 JWK');
  }
  if (jwk.alg !== undefined && jwk.alg !== SIGNING_ALG) throw new Error('SIGNING_KEYS: alg must be ES256');
  if (jwk.use !== undefined && jwk.use !== 'sig') throw new Error('SIGNING_KEYS: use must be sig');
  const nbf = (jwk as { nbf?: unknown }).nbf;
  if (nbf !== undefined && (typeof nbf !== 'number' || !Number.isFinite(nbf) || nbf <= 0)) {
    throw new Error('SIGNING_KEYS: nbf must be a NumericDate (seconds since the epoch)');
  }
  const pub = { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y };
  const kid = jwk.kid ?? (await calculateJwkThumbprint(pub));
  const material = { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, d: jwk.d };
  const privateKey = (await importJWK(material, SIGNING_ALG)) as CryptoKey;
  const publicKey = (await importJWK(pub, SIGNING_ALG)) as CryptoKey;
  return {
    kid,
    privateKey,
    publicKey,
    publicJwk: publicPart(jwk, kid),
    nbf: nbf === undefined ? 0 : nbf * 1000,
  };
}

/** A 256-bit secret for token claim encryption and pairwise subjects; from config or ephemeral. */
export function secretFrom(encoded: string | undefined): Uint8Array<ArrayBuffer> {
  if (encoded === undefined) return crypto.getRandomValues(new Uint8Array(32));
  const bytes = new Uint8Array(base64url.decode(encoded));
  if (bytes.length !== 32) throw new Error('TOKEN_SECRET must be 32 bytes, base64url-encoded');
  return bytes;
}
