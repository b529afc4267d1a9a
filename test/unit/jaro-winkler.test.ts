import { describe, expect, it } from 'vitest';
import { jaro, jaroWinkler } from '../../apis/kyc-match/jaro-winkler.js';

/**
 * Reference values: Winkler (1990), "String Comparator Metrics and Enhanced Decision Rules in the
 * Fellegi-Sunter Model of Record Linkage", table of comparator values; the Wikipedia article
 * "Jaro–Winkler distance" (MARTHA/MARHTA, DWAYNE/DUANE, DIXON/DICKSONX); Apache Commons Text
 * JaroWinklerSimilarityTest.
 */
describe('Jaro similarity', () => {
  it.each([
    ['MARTHA', 'MARHTA', 0.944444],
    ['DWAYNE', 'DUANE', 0.822222],
    ['DIXON', 'DICKSONX', 0.766667],
    ['CRATE', 'TRACE', 0.733333],
  ])('%s / %s = %f', (a, b, expected) => {
    expect(jaro(a, b)).toBeCloseTo(expected, 6);
  });

  it('is 1 for identical strings, 0 without common characters, and symmetric', () => {
    expect(jaro('federica', 'federica')).toBe(1);
    expect(jaro('', '')).toBe(1);
    expect(jaro('abc', '')).toBe(0);
    expect(jaro('fly', 'ant')).toBe(0);
    expect(jaro('ab', 'ba')).toBe(0); // the match window of two characters is 0
    expect(jaro('DIXON', 'DICKSONX')).toBe(jaro('DICKSONX', 'DIXON'));
  });
});

describe('Jaro-Winkler similarity', () => {
  it.each([
    // Winkler (1990)
    ['SHACKLEFORD', 'SHACKELFORD', 0.982],
    ['DUNNINGHAM', 'CUNNIGHAM', 0.896],
    ['NICHLESON', 'NICHULSON', 0.956],
    ['JONES', 'JOHNSON', 0.832],
    ['MASSEY', 'MASSIE', 0.933],
    ['ABROMS', 'ABRAMS', 0.922],
    ['JULIES', 'JULIUS', 0.933],
    ['TANYA', 'TONYA', 0.88],
    // Wikipedia
    ['MARTHA', 'MARHTA', 0.961],
    ['DWAYNE', 'DUANE', 0.84],
    ['DIXON', 'DICKSONX', 0.813],
  ])('%s / %s = %f', (a, b, expected) => {
    expect(jaroWinkler(a, b)).toBeCloseTo(expected, 3);
  });

  it.each([
    // Apache Commons Text
    ['frog', 'fog', 0.925],
    ['fly', 'ant', 0],
    ['elephant', 'hippo', 0.441666], // Jaro below 0.7: no prefix boost
    ['ABC Corporation', 'ABC Corp', 0.906666],
    ['D N H Enterprises Inc', 'D & H Enterprises, Inc.', 0.952519],
    ["My Gym Children's Fitness Center", 'My Gym. Childrens Fitness', 0.942],
    ['PENNSYLVANIA', 'PENNCISYLVNIA', 0.898018],
  ])('%s / %s = %f', (a, b, expected) => {
    expect(jaroWinkler(a, b)).toBeCloseTo(expected, 5);
  });

  it('counts code points, not UTF-16 units', () => {
    expect(jaroWinkler('𠮷野家', '𠮷野屋')).toBeCloseTo(jaroWinkler('abc', 'abd'), 10);
  });

  it('caps the prefix boost at four characters', () => {
    // Jaro 0.9: a longer common prefix than 4 changes nothing.
    const a = jaroWinkler('abcdefghij', 'abcdefghix');
    expect(a).toBeCloseTo(0.9333 + 0.4 * (1 - 0.9333), 3);
  });
});
