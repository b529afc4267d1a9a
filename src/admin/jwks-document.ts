import type { JWK } from 'jose';
import { ASSERTION_ALGS } from '../auth/assertion-rules.js';

/** Key types a client may sign its assertions with (ASSERTION_ALGS: EC, RSA, OKP Ed25519). */
const KEY_TYPES = ['EC', 'RSA', 'OKP'];
/** Members that only a private (or symmetric) key has (RFC 7518 §6.2.2, §6.3.2, §6.4; RFC 8037 §2). */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
/** A client rotates with two or three keys; a set of hundreds is a mistake or an attack on the CPU. */
const MAX_KEYS = 20;

/**
 * A client's JWK Set as fetched from its jwks_uri (RFC 7517 §5): public signing keys only, each
 * of an accepted type and, when it names one, an accepted algorithm and the `sig` use. A set that
 * holds a private key is refused whole: the client leaked it, and publishing it makes it worthless.
 * Returns the set, or why it is refused.
 */
export function parseJwksDocument(bytes: Uint8Array): { jwks: { keys: JWK[] } } | { problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return { problem: 'not JSON' };
  }
  const problem = checkJwks(value);
  return problem === undefined ? { jwks: value as { keys: JWK[] } } : { problem };
}

/** Why `value` is not a set of public signing keys, or undefined (also for a `jwks` registered by value). */
export function checkJwks(value: unknown): string | undefined {
  const keys = (value as { keys?: unknown } | null)?.keys;
  if (typeof value !== 'object' || value === null || !Array.isArray(keys)) return 'not a JWK Set';
  if (keys.length === 0) return 'no key';
  if (keys.length > MAX_KEYS) return `more than ${MAX_KEYS} keys`;
  for (const key of keys as unknown[]) {
    if (typeof key !== 'object' || key === null || Array.isArray(key)) return 'a key is not an object';
    const k = key as Record<string, unknown>;
    if (PRIVATE_MEMBERS.some((m) => m in k)) return 'a private or symmetric key';
    if (typeof k.kty !== 'string' || !KEY_TYPES.includes(k.kty))
      return `key type ${String(k.kty)} not accepted`;
    if (k.alg !== undefined && (typeof k.alg !== 'string' || !ASSERTION_ALGS.includes(k.alg)))
      return `algorithm ${String(k.alg)} not accepted`;
    if (k.use !== undefined && k.use !== 'sig') return 'a key not for signatures';
    if (k.kid !== undefined && typeof k.kid !== 'string') return 'a kid that is not a string';
  }
  return undefined;
}
