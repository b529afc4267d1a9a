import type { z } from 'zod';
import { ApiError } from '../errors.js';

type Issue = z.core.$ZodIssue;

/**
 * Maps a failed zod validation to CAMARA: a number outside its declared bounds is
 * 400 OUT_OF_RANGE (SIM Swap test 400.2: maxAge = 100000); every other violation, unknown
 * properties included, is 400 INVALID_ARGUMENT.
 */
export function toValidationError(issues: readonly Issue[]): ApiError {
  const first = issues[0];
  const outOfRange = issues.find(
    (i) => (i.code === 'too_big' || i.code === 'too_small') && (i.origin === 'number' || i.origin === 'int'),
  );
  if (outOfRange) return new ApiError('OUT_OF_RANGE', describe(outOfRange));
  return new ApiError('INVALID_ARGUMENT', first ? describe(first) : undefined);
}

function describe(issue: Issue): string {
  const path = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') return `Unknown property: ${listKeys(issue.keys)}.`;
  if (issue.code === 'invalid_format' && issue.format === 'regex') return `${path} has an invalid format.`;
  return path ? `${path}: ${issue.message}.` : `${issue.message}.`;
}

const PLAIN_KEY = /^[A-Za-z0-9_$-]{1,64}$/;
const MAX_KEYS_LISTED = 5;

/**
 * Names the client's unknown properties without echoing arbitrary input: plain names as they
 * are, any other name quoted and cut at 64 characters, at most five names. The message stays
 * well under ErrorInfo's 512 characters (Commonalities 0.8.0) however many keys were sent.
 */
export function listKeys(keys: readonly string[]): string {
  const shown = keys
    .slice(0, MAX_KEYS_LISTED)
    .map((k) => (PLAIN_KEY.test(k) ? k : JSON.stringify(k.length > 64 ? `${k.slice(0, 64)}…` : k)));
  const more = keys.length - shown.length;
  return more > 0 ? `${shown.join(', ')} and ${more} more` : shown.join(', ');
}

/** The defaultHook of every OpenAPIHono router. */
export const validationHook = (result: { success: boolean; error?: { issues: Issue[] } }): void => {
  if (!result.success) throw toValidationError(result.error?.issues ?? []);
};
