import { describe, expect, it } from 'vitest';
import {
  addressKeys,
  applicationKeys,
  grantKeys,
  hashTagOf,
  refreshKeys,
  subscriberKeys,
} from '../../src/store/keys.js';
import { counterKey } from '../../src/store/port.js';

const RULE = { name: 'burst', limit: 1, windowMs: 1000 };

describe('store keys: a Redis Cluster hash tag on every key', () => {
  it.each([
    ['application record', applicationKeys.record('bank-app'), 'c:bank-app'],
    ['application limiter', applicationKeys.limiter('bank-app'), 'c:bank-app'],
    ['endpoint limiter', applicationKeys.endpointLimiter('token', 'bank-app'), 'c:bank-app'],
    ['assertion jti', applicationKeys.assertionJti('bank-app', 'j1'), 'c:bank-app'],
    ['revoked token', applicationKeys.revokedToken('bank-app', 'j1'), 'c:bank-app'],
    ['registry marker', applicationKeys.registryMarker, 'registry'],
    ['consent record', subscriberKeys.consent('k1.abc', 'bank-app', 'dpv:X'), 's:k1.abc'],
    ['opt-out', subscriberKeys.consent('k1.abc', '*', 'dpv:X'), 's:k1.abc'],
    ['pending consent', subscriberKeys.pendingConsent('k1.abc', 'bank-app', 'dpv:X'), 's:k1.abc'],
    ['capture budget', subscriberKeys.captureBudget('k1.abc', 'bank-app'), 's:k1.abc'],
    ['address limiter', addressKeys.limiter('2001:db8::1'), 'a:2001%3Adb8%3A%3A1'],
    ['authorization code', grantKeys.code('h1'), 'g:h1'],
    ['code redemption', grantKeys.codeUsed('h1'), 'g:h1'],
    ['pending authorization', grantKeys.pendingAuthorization('p1'), 'g:p1'],
    ['CIBA request', grantKeys.ciba('h2'), 'g:h2'],
    ['consent request', grantKeys.consentRequest('r1'), 'g:r1'],
    ['consent decision', grantKeys.consentDecided('r1'), 'g:r1'],
    ['refresh token', refreshKeys.token('h3'), 't:h3'],
    ['used refresh token', refreshKeys.used('h3'), 't:h3'],
    ['refresh family', refreshKeys.family('f1'), 'f:f1'],
    ['family access tokens', refreshKeys.familyAccess('f1'), 'f:f1'],
  ])('%s: %s is tagged {%s}', (_name, key, tag) => {
    expect(hashTagOf(key)).toBe(tag);
  });

  it('a brace inside a client id cannot end the tag early: it is URI-encoded', () => {
    expect(hashTagOf(applicationKeys.record('evil}app'))).toBe('c:evil%7Dapp');
    expect(hashTagOf(applicationKeys.record('evil}app'))).not.toBe(hashTagOf(applicationKeys.record('evil')));
  });

  it('reads the tag as Redis does: the first {, the first } after it, not empty', () => {
    expect(hashTagOf('plain')).toBeUndefined();
    expect(hashTagOf('a{}b{c}')).toBeUndefined();
    expect(hashTagOf('a{b}c{d}')).toBe('b');
    expect(hashTagOf('a{b{c}d')).toBe('b{c');
  });

  it("rate-limit counters keep their key's tag, and an untagged key becomes one", () => {
    expect(counterKey(applicationKeys.limiter('bank-app'), RULE, 7)).toBe('rl:rl-app:{c:bank-app}:burst:7');
    expect(counterKey('some:key', RULE, 7)).toBe('rl:{some:key}:burst:7');
  });
});
