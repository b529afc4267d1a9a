/**
 * The published comparison rules of KYC Match (docs/kyc-match.md). CAMARA defines no
 * normalisation (SPEC-DIGEST §5: "the spec defines no normalisation"); DESIGN §3 fixes this one.
 * Two values match ("true") when their normalised forms are equal; scores compare normalised forms.
 */

/** How a field is compared. */
export type Comparison =
  /** Names, addresses, places: NFKC, case-folded, diacritics folded, spaces collapsed. */
  | 'text'
  /** Japanese readings: as text, plus hiragana folded to katakana and `・` read as a space. */
  | 'kana'
  /** Document numbers and postal codes: as text, without spaces, hyphens, dots or slashes. */
  | 'identifier'
  /** NFKC, trimmed, case-folded (the schema's `format: email` admits ASCII addresses only). */
  | 'email'
  /** ISO 3166-1 alpha-2 codes: trimmed, case-insensitive. */
  | 'country'
  /** Calendar dates (YYYY-MM-DD) and enumerations: exact. */
  | 'exact';

const COMBINING_MARKS = /\p{M}/gu;
// Kana voicing marks (dakuten, handakuten) are not accents: ガ is not カ.
const KANA_VOICING = /[\u3099\u309A]/;
const SPACES = /\s+/gu;
const IDENTIFIER_SEPARATORS = /[\s\-\u2010-\u2015\u2212./]/gu;

/** Full case folding as far as JavaScript offers it: ß → ss, ς → σ, then lower case. */
const caseFold = (value: string): string => value.toUpperCase().toLowerCase();

/** Removes combining accents (é → e, ñ → n, ø stays ø), keeps kana voicing marks. */
export function foldDiacritics(value: string): string {
  return value
    .normalize('NFD')
    .replace(COMBINING_MARKS, (mark) => (KANA_VOICING.test(mark) ? mark : ''))
    .normalize('NFC');
}

const collapse = (value: string): string => value.replace(SPACES, ' ').trim();

/** Hiragana (U+3041–U+3096) → katakana (U+30A1–U+30F6): the same reading in either script. */
const toKatakana = (value: string): string =>
  value.replace(/[\u3041-\u3096]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0x60));

export function normalise(value: string, comparison: Comparison): string {
  switch (comparison) {
    case 'exact':
      return value;
    case 'country':
      return value.trim().toUpperCase();
    case 'email':
      return caseFold(value.normalize('NFKC').trim());
    case 'text':
      return collapse(foldDiacritics(caseFold(value.normalize('NFKC'))));
    case 'kana':
      // NFKC also turns half-width (hankaku) katakana into full-width (zenkaku).
      return collapse(toKatakana(foldDiacritics(caseFold(value.normalize('NFKC'))).replace(/\u30FB/g, ' ')));
    case 'identifier':
      return foldDiacritics(caseFold(value.normalize('NFKC'))).replace(IDENTIFIER_SEPARATORS, '');
  }
}
