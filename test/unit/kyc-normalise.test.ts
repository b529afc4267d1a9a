import { describe, expect, it } from 'vitest';
import { foldDiacritics, normalise } from '../../apis/kyc-match/normalise.js';

/** The published rules of docs/kyc-match.md, one by one. */
describe('KYC Match normalisation', () => {
  it('text: NFKC, case fold, diacritics folded, spaces trimmed and collapsed', () => {
    expect(normalise('  José \t Ángel  NÚÑEZ ', 'text')).toBe('jose angel nunez');
    expect(normalise('Ｆｅｄｅｒｉｃａ', 'text')).toBe('federica'); // full-width Latin
    expect(normalise('Hauptstraße', 'text')).toBe(normalise('HAUPTSTRASSE', 'text')); // ß → ss
    expect(normalise('ΟΔΥΣΣΕΥΣ', 'text')).toBe(normalise('οδυσσευς', 'text')); // final sigma
    expect(normalise('Çelik Dvořák', 'text')).toBe('celik dvorak');
    expect(normalise('ﬁnance', 'text')).toBe('finance'); // ligature
    expect(normalise('山田\u3000太郎', 'text')).toBe('山田 太郎'); // ideographic space
  });

  it('text: letters that are not an accented base letter stay (ø, ł, æ)', () => {
    expect(normalise('Øresund Łódź Æbelø', 'text')).toBe('øresund łodz æbelø');
  });

  it('text: hyphens and apostrophes are kept (they change the score, not the rule)', () => {
    expect(normalise("O'Brien Sanchez-Arjona", 'text')).toBe("o'brien sanchez-arjona");
  });

  it('kana: half-width to full-width, hiragana to katakana, ・ as a space, voicing kept', () => {
    expect(normalise('ﾔﾏﾀﾞ ﾀﾛｳ', 'kana')).toBe('ヤマダ タロウ');
    expect(normalise('やまだ　たろう', 'kana')).toBe('ヤマダ タロウ');
    expect(normalise('ヤマダ・タロウ', 'kana')).toBe('ヤマダ タロウ');
    expect(normalise('ﾔﾏﾀﾞ･ﾀﾛｳ', 'kana')).toBe('ヤマダ タロウ');
    expect(normalise('ｶﾞｯﾂ ﾊﾟﾝ', 'kana')).toBe('ガッツ パン');
    expect(normalise('ヤマダ', 'kana')).not.toBe(normalise('ヤマタ', 'kana'));
    expect(normalise('パン', 'kana')).not.toBe(normalise('ハン', 'kana'));
  });

  it('diacritics folding keeps kana voicing marks', () => {
    expect(foldDiacritics('ガパé')).toBe('ガパe');
  });

  it('identifier: as text, without spaces, hyphens, dots or slashes', () => {
    expect(normalise('66666666-q', 'identifier')).toBe('66666666q');
    expect(normalise('102−8460', 'identifier')).toBe('1028460'); // minus sign
    expect(normalise('１０２ー8460', 'identifier')).toBe('102ー8460'); // the long vowel mark is not a hyphen
    expect(normalise('X 1234.567/A', 'identifier')).toBe('x1234567a');
  });

  it('email: NFKC, trimmed, case-folded', () => {
    expect(normalise(' ABC@Example.COM ', 'email')).toBe('abc@example.com');
    expect(normalise('a.b+tag@example.com', 'email')).toBe('a.b+tag@example.com');
  });

  it('country: trimmed, case-insensitive', () => {
    expect(normalise(' es ', 'country')).toBe('ES');
  });

  it('exact: dates and enumerations unchanged', () => {
    expect(normalise('1978-08-22', 'exact')).toBe('1978-08-22');
    expect(normalise('FEMALE', 'exact')).not.toBe(normalise('female', 'exact'));
  });
});
