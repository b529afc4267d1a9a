/**
 * Jaro-Winkler similarity (Jaro 1989; Winkler 1990), the score algorithm KYC Match names by
 * default ("score will use the Jaro-Winkler distance algorithm for all countries"). Works on
 * Unicode code points, so kana and letters outside the BMP count as one character each.
 *
 * Parameters are Winkler's: prefix scale p = 0.1 over at most 4 characters, applied only when
 * the Jaro similarity reaches the boost threshold 0.7.
 */

const PREFIX_SCALE = 0.1;
const MAX_PREFIX = 4;
const BOOST_THRESHOLD = 0.7;

/** Jaro similarity in [0, 1]; 1 only for identical strings, and for two empty strings. */
export function jaro(a: string, b: string): number {
  const s = Array.from(a);
  const t = Array.from(b);
  if (s.length === 0 && t.length === 0) return 1;
  if (s.length === 0 || t.length === 0) return 0;
  // Two characters match when equal and no farther apart than half the longer string, minus one.
  const window = Math.max(0, Math.floor(Math.max(s.length, t.length) / 2) - 1);
  const sMatched = new Array<boolean>(s.length).fill(false);
  const tMatched = new Array<boolean>(t.length).fill(false);
  let matches = 0;
  for (let i = 0; i < s.length; i++) {
    const from = Math.max(0, i - window);
    const to = Math.min(t.length - 1, i + window);
    for (let j = from; j <= to; j++) {
      if (tMatched[j] || s[i] !== t[j]) continue;
      sMatched[i] = true;
      tMatched[j] = true;
      matches++;
      break;
    }
  }
  if (matches === 0) return 0;
  // Transpositions: matched characters out of order, counted in pairs.
  let outOfOrder = 0;
  let k = 0;
  for (let i = 0; i < s.length; i++) {
    if (!sMatched[i]) continue;
    while (!tMatched[k]) k++;
    if (s[i] !== t[k]) outOfOrder++;
    k++;
  }
  const transpositions = outOfOrder / 2;
  return (matches / s.length + matches / t.length + (matches - transpositions) / matches) / 3;
}

/** Jaro-Winkler similarity in [0, 1]: Jaro boosted by the length of the common prefix. */
export function jaroWinkler(a: string, b: string): number {
  const similarity = jaro(a, b);
  if (similarity < BOOST_THRESHOLD) return similarity;
  const s = Array.from(a);
  const t = Array.from(b);
  let prefix = 0;
  while (prefix < Math.min(MAX_PREFIX, s.length, t.length) && s[prefix] === t[prefix]) prefix++;
  return similarity + prefix * PREFIX_SCALE * (1 - similarity);
}
