/**
 * The first member name that one JSON object gives twice, in a text JSON.parse has accepted.
 * RFC 8259 §4: with duplicate names "the behavior of software that receives such an object is
 * unpredictable"; JSON.parse keeps the last, other parsers the first. A gateway or WAF in front
 * that checks one `phoneNumber` while the platform serves another is what this refusal prevents.
 * One pass over the text: a stack of the names of each open object (`null` for an array).
 */
export function duplicateName(text: string): string | undefined {
  if (!text.includes('"')) return undefined;
  const open: (Set<string> | null)[] = [];
  let expectName = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === QUOTE) {
      const end = stringEnd(text, i);
      const names = open[open.length - 1];
      if (expectName && names) {
        const raw = text.slice(i + 1, end);
        // Escapes decoded: "a" and "\u0061" are one name.
        const name = raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
        if (names.has(name)) return name;
        names.add(name);
        expectName = false;
      }
      i = end;
    } else if (ch === OPEN_OBJECT) {
      open.push(new Set());
      expectName = true;
    } else if (ch === OPEN_ARRAY) {
      open.push(null);
      expectName = false;
    } else if (ch === CLOSE_OBJECT || ch === CLOSE_ARRAY) {
      open.pop();
      expectName = false;
    } else if (ch === COMMA) {
      expectName = (open[open.length - 1] ?? null) !== null;
    }
  }
  return undefined;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

/** The index of the quote that ends the string opening at `start` (the text is valid JSON). */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  for (;;) {
    const ch = text.charCodeAt(i);
    if (ch === QUOTE) return i;
    i += ch === BACKSLASH ? 2 : 1;
  }
}
