import { describe, expect, it } from 'vitest';
import { duplicateName } from '../../src/http/json-duplicates.js';

describe('duplicateName (RFC 8259 §4: member names should be unique)', () => {
  it('finds a name given twice in one object, at any depth', () => {
    expect(duplicateName('{"phoneNumber":"+34600000001","phoneNumber":"+34600000002"}')).toBe('phoneNumber');
    expect(duplicateName('{"a":{"b":1,"c":[{"d":1},{"d":2,"d":3}]}}')).toBe('d');
    expect(duplicateName('{"a":1,"b":{"x":1},"a":2}')).toBe('a');
  });

  it('decodes escapes before comparing: "a" and "\\u0061" are one name', () => {
    expect(duplicateName('{"a":1,"\\u0061":2}')).toBe('a');
    expect(duplicateName('{"\\"":1,"\\u0022":2}')).toBe('"');
  });

  it('the same name in sibling or nested objects is no duplicate, nor are string values', () => {
    expect(duplicateName('{"a":{"a":1},"b":{"a":2}}')).toBeUndefined();
    expect(duplicateName('[{"a":1},{"a":1}]')).toBeUndefined();
    expect(duplicateName('{"a":"a","b":"a","c":["a","a"],"d":"{\\"a\\":1,\\"a\\":2}"}')).toBeUndefined();
    expect(duplicateName('{"a":"x\\\\","b":"\\\\"}')).toBeUndefined();
    expect(duplicateName('{}')).toBeUndefined();
    expect(duplicateName('42')).toBeUndefined();
  });
});
