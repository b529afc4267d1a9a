import type { Context } from 'hono';

/**
 * A request header exactly as `c.req.header(name)` gives it (WHATWG `Headers.get`: every field of
 * that name, trimmed of HTTP whitespace, joined with `, `, cookies with `; `), for a lower-case
 * `name`.
 *
 * On Node it is read from the raw header list of the request that @hono/node-server hands to the
 * app as `c.env.incoming`, the list the adapter would copy into a `Headers` object on the first
 * header read: the resource calls read four headers and nothing else, so that object, built and
 * validated for every call, is skipped (bench/README.md). Structural on purpose, as in
 * json-body.ts: no Node import in the core; any other runtime reads `c.req.header()`.
 */
export function requestHeader(c: Context, name: string): string | undefined {
  const raw = (c.env as { incoming?: { rawHeaders?: unknown } } | undefined)?.incoming?.rawHeaders;
  if (!Array.isArray(raw)) return c.req.header(name);
  let value: string | undefined;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const key = raw[i] as string;
    if (key.length !== name.length || key.toLowerCase() !== name) continue;
    const field = trimHttpWhitespace(raw[i + 1] as string);
    value = value === undefined ? field : `${value}${name === 'cookie' ? '; ' : ', '}${field}`;
  }
  return value;
}

/** Fetch §2.2 HTTP whitespace (tab, LF, CR, space), as Headers removes it around a value. */
const isHttpWhitespace = (code: number) => code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;

function trimHttpWhitespace(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && isHttpWhitespace(value.charCodeAt(start))) start++;
  while (end > start && isHttpWhitespace(value.charCodeAt(end - 1))) end--;
  return start === 0 && end === value.length ? value : value.slice(start, end);
}
