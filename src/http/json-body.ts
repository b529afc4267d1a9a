import type { Context, MiddlewareHandler } from 'hono';
import { ApiError } from '../errors.js';
import { concatBytes, readStreamLimited } from './read-stream.js';
import type { Env } from './env.js';
import { requestHeader } from './request-header.js';

const JSON_TYPE = /^application\/json\s*(;\s*charset\s*=\s*"?utf-8"?\s*)?$/i;

/**
 * Reads a request body once, for every route that takes JSON: 415 for another media type,
 * 413 beyond `maxBytes`, 400 for a missing, malformed or non-object body (Commonalities: the
 * body "MUST be a JSON object and MUST be required"). The parsed value is handed to the
 * route's zod validator through Hono's body cache.
 */
export async function readJsonBody(c: Context<Env>, maxBytes: number): Promise<void> {
  const declared = Number(requestHeader(c, 'content-length') ?? '0');
  if (declared > maxBytes) throw new ApiError('CONTENT_TOO_LARGE');
  const type = requestHeader(c, 'content-type');
  const raw = await readBodyOnce(c, maxBytes);
  if (raw.length === 0 && type === undefined) {
    throw new ApiError('INVALID_ARGUMENT', 'A JSON request body is required.');
  }
  if (type === undefined || !JSON_TYPE.test(type.trim())) throw new ApiError('UNSUPPORTED_MEDIA_TYPE');
  if (raw.length === 0) throw new ApiError('INVALID_ARGUMENT', 'A JSON request body is required.');
  const parsed = parsedJson(c, raw);
  if (parsed === null) throw new ApiError('INVALID_ARGUMENT', 'Malformed JSON in request body.');
  const { value, text } = parsed;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ApiError('INVALID_ARGUMENT', 'The request body must be a JSON object.');
  }
  // A handler that reads the body itself gets it through Hono's cache (c.req.json() parses
  // `text`); the API routes' validator takes the parsed value (apis/common/router.ts).
  (c.req.bodyCache as Record<string, unknown>).text = Promise.resolve(text);
}

/** readJsonBody() as a middleware. */
export function jsonBody(maxBytes: number): MiddlewareHandler<Env> {
  return async (c, next) => {
    await readJsonBody(c, maxBytes);
    await next();
  };
}

/**
 * The body as JSON (strict UTF-8), parsed at most once per request: `null` when it is not JSON.
 * The legal-basis prefetch (consent/prefetch.ts) looks for its `phoneNumber`, jsonBody judges it,
 * the route validates it.
 */
export function parsedJson(c: Context<Env>, raw: Uint8Array): ParsedJson | null {
  let parsed = c.get('json');
  if (parsed === undefined) {
    try {
      const text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
      parsed = { text, value: JSON.parse(text) as unknown };
    } catch {
      parsed = null;
    }
    c.set('json', parsed);
  }
  return parsed;
}

export type ParsedJson = { text: string; value: unknown };

/**
 * The body's bytes, read at most once per request (413 beyond `maxBytes`): the legal-basis
 * prefetch (consent/prefetch.ts) may read it before the rate limit, jsonBody validates it after.
 */
export function readBodyOnce(c: Context<Env>, maxBytes: number): Promise<Uint8Array> {
  let raw = c.get('rawBody');
  if (raw === undefined) {
    const incoming = unreadNodeRequest(c.env);
    raw =
      incoming === undefined
        ? readStreamLimited(c.req.raw.body, maxBytes, () => new ApiError('CONTENT_TOO_LARGE'))
        : readNode(incoming, maxBytes);
    raw.catch(() => {}); // the reader that needs it awaits it; an early reader may not
    c.set('rawBody', raw);
  }
  return raw;
}

/**
 * The Node request (an IncomingMessage), which @hono/node-server hands to the app as
 * `c.env.incoming`, when nothing has started reading it. Reading it directly skips building a
 * WHATWG Request, AbortController and body stream for every call, about a third of the CPU of a
 * SIM Swap check (bench/README.md). Structural on purpose: no Node import in the core, and any
 * other runtime (workerd, app.request()) reads the Request body stream.
 */
type NodeRequest = {
  readableFlowing: boolean | null;
  readableEnded: boolean;
  /** IncomingMessage: the whole message has been received and parsed. */
  complete?: boolean;
  readableLength: number;
  read(): Uint8Array | null;
  on(event: string, listener: (arg: never) => void): unknown;
  off(event: string, listener: (arg: never) => void): unknown;
  pause(): unknown;
};

function unreadNodeRequest(env: unknown): NodeRequest | undefined {
  const incoming = (env as { incoming?: Partial<NodeRequest> } | undefined)?.incoming;
  if (incoming === undefined || incoming === null || typeof incoming.on !== 'function') return undefined;
  if (incoming.readableFlowing !== null || incoming.readableEnded !== false) return undefined;
  return incoming as NodeRequest;
}

/**
 * Same contract as readLimited. Past `maxBytes` it stops reading without destroying the request,
 * as cancelling @hono/node-server's body stream does: the 413 goes out, then the adapter drains
 * the rest of the body.
 *
 * A small body usually arrives with the headers, so by the time a route reads it the parser has
 * already buffered all of it: then it is taken at once, in one read() that also ends the stream,
 * without listeners or a turn of the event loop.
 */
function readNode(incoming: NodeRequest, maxBytes: number): Promise<Uint8Array> {
  if (incoming.complete === true && incoming.readableLength <= maxBytes) {
    return Promise.resolve(incoming.read() ?? new Uint8Array());
  }
  return new Promise((resolve, reject) => new NodeBodyReader(incoming, maxBytes, resolve, reject).start());
}

/**
 * One read of a Node request body. The listeners are methods bound per read rather than arrow
 * functions declared per read: the TypeScript runner (tsx, which keeps function names) would
 * name each such closure with Object.defineProperty on every call.
 */
class NodeBodyReader {
  private readonly chunks: Uint8Array[] = [];
  private size = 0;
  private readonly incoming: NodeRequest;
  private readonly maxBytes: number;
  private readonly resolve: (value: Uint8Array) => void;
  private readonly reject: (error: unknown) => void;
  private readonly onData: (chunk: Uint8Array) => void;
  private readonly onEnd: () => void;
  private readonly onError: (error: unknown) => void;
  private readonly onClose: () => void;

  constructor(
    incoming: NodeRequest,
    maxBytes: number,
    resolve: (value: Uint8Array) => void,
    reject: (error: unknown) => void,
  ) {
    this.incoming = incoming;
    this.maxBytes = maxBytes;
    this.resolve = resolve;
    this.reject = reject;
    this.onData = this.data.bind(this);
    this.onEnd = this.end.bind(this);
    this.onError = this.error.bind(this);
    this.onClose = this.close.bind(this);
  }

  start(): void {
    this.incoming.on('data', this.onData);
    this.incoming.on('end', this.onEnd);
    this.incoming.on('error', this.onError);
    this.incoming.on('close', this.onClose);
  }

  private settle(error: unknown, value?: Uint8Array): void {
    this.incoming.off('data', this.onData);
    this.incoming.off('end', this.onEnd);
    this.incoming.off('error', this.onError);
    this.incoming.off('close', this.onClose);
    if (error === undefined) this.resolve(value as Uint8Array);
    else this.reject(error);
  }

  private data(chunk: Uint8Array): void {
    this.size += chunk.byteLength;
    if (this.size > this.maxBytes) {
      this.incoming.pause();
      this.settle(new ApiError('CONTENT_TOO_LARGE'));
      return;
    }
    this.chunks.push(chunk);
  }

  private end(): void {
    this.settle(undefined, concatBytes(this.chunks, this.size));
  }

  private error(error: unknown): void {
    this.settle(error ?? new Error('request body failed'));
  }

  private close(): void {
    this.settle(new Error('request closed before the end of its body'));
  }
}
