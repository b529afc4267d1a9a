import type { Context } from 'hono';

/** The TCP peer of a request, as the runtime knows it (not yet normalised or resolved). */
export type Peer = { ip: string; port?: number | undefined };

/**
 * What differs per runtime, behind one small port (DESIGN §1, runtime/): the entry file chooses
 * the implementation (node.ts under @hono/node-server, web.ts for any standard Request: workerd,
 * app.request() in tests) and passes it to createApp. The core never looks at `c.env` itself.
 */
export type Runtime = {
  /**
   * A request header exactly as `c.req.header(name)` gives it (WHATWG `Headers.get`: every field
   * of that name, trimmed of HTTP whitespace, joined with `, `, cookies with `; `), for a
   * lower-case `name`.
   */
  header(c: Context, name: string): string | undefined;
  /**
   * The request body's bytes, read once by the caller: rejects with ApiError CONTENT_TOO_LARGE
   * past `maxBytes`, checked while reading (a chunked body has no length to check beforehand).
   */
  body(c: Context, maxBytes: number): Promise<Uint8Array>;
  /** The TCP peer, or null when the runtime cannot know it. */
  peer(c: Context): Peer | null;
};
