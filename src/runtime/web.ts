import type { Context } from 'hono';
import { ApiError } from '../errors.js';
import { readStreamLimited } from '../http/read-stream.js';
import type { Peer, Runtime } from './port.js';

/**
 * The bindings a web runtime may be given: the peer address, which a standard Request does not
 * carry (workerd: from CF-Connecting-IP, written by Cloudflare's edge; tests: the device's).
 */
export type WebBindings = { peer?: Peer };

/** Any runtime that hands the app a standard Request: headers, body stream, no socket. */
export const webRuntime: Runtime = {
  header: (c, name) => c.req.header(name),
  body: (c, maxBytes) => readStreamLimited(c.req.raw.body, maxBytes, () => new ApiError('CONTENT_TOO_LARGE')),
  peer: (c: Context) => (c.env as WebBindings | undefined)?.peer ?? null,
};
