import type { Context } from 'hono';
import { ApiError } from '../errors.js';
import { concatBytes } from '../http/read-stream.js';
import type { Peer, Runtime } from './port.js';
import { webRuntime } from './web.js';

/**
 * The Node runtime: the request as @hono/node-server hands it to the app, `c.env.incoming` (an
 * IncomingMessage). This file and the Node entry are the only ones that touch it (DESIGN §1).
 *
 * Reading the Node request directly skips building a WHATWG Request, its Headers, an
 * AbortController and a body stream for every call: the resource calls read four headers and
 * one small body and nothing else (bench/README.md). The shapes are written out rather than
 * imported from node:http: only the fields read here matter.
 */
type NodeRequest = {
  rawHeaders: string[];
  socket?: { remoteAddress?: string; remotePort?: number };
  readableFlowing: boolean | null;
  readableEnded: boolean;
  /** The whole message has been received and parsed. */
  complete: boolean;
  readableLength: number;
  read(): Uint8Array | null;
  on(event: string, listener: (arg: never) => void): unknown;
  off(event: string, listener: (arg: never) => void): unknown;
  pause(): unknown;
};

/** What @hono/node-server passes as `c.env`. */
type NodeBindings = { incoming: NodeRequest };

const incomingOf = (c: Context): NodeRequest => (c.env as NodeBindings).incoming;

export const nodeRuntime: Runtime = {
  header(c, name) {
    const raw = incomingOf(c).rawHeaders;
    let value: string | undefined;
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const key = raw[i] as string;
      if (key.length !== name.length || key.toLowerCase() !== name) continue;
      const field = trimHttpWhitespace(raw[i + 1] as string);
      value = value === undefined ? field : `${value}${name === 'cookie' ? '; ' : ', '}${field}`;
    }
    return value;
  },

  body(c, maxBytes) {
    const incoming = incomingOf(c);
    // Something (a library reading c.req) already started the stream: read it where it went.
    if (incoming.readableFlowing !== null || incoming.readableEnded) return webRuntime.body(c, maxBytes);
    // A small body usually arrives with the headers, so the parser has already buffered all of
    // it: one read() takes it and ends the stream, without listeners or a turn of the event loop.
    if (incoming.complete && incoming.readableLength <= maxBytes) {
      return Promise.resolve(incoming.read() ?? new Uint8Array());
    }
    return new Promise((resolve, reject) => new BodyReader(incoming, maxBytes, resolve, reject).start());
  },

  peer(c): Peer | null {
    const socket = incomingOf(c).socket;
    if (socket?.remoteAddress === undefined) return null;
    return { ip: socket.remoteAddress, port: socket.remotePort };
  },
};

/** Fetch §2.2 HTTP whitespace (tab, LF, CR, space), as Headers removes it around a value. */
const isHttpWhitespace = (code: number) => code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;

function trimHttpWhitespace(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && isHttpWhitespace(value.charCodeAt(start))) start++;
  while (end > start && isHttpWhitespace(value.charCodeAt(end - 1))) end--;
  return start === 0 && end === value.length ? value : value.slice(start, end);
}

/**
 * One read of a Node request body, with the web reader's contract. Past `maxBytes` it stops
 * reading without destroying the request, as cancelling @hono/node-server's body stream does: the
 * 413 goes out, then the adapter drains the rest of the body.
 * The listeners are methods bound per read rather than arrow functions declared per read: the
 * TypeScript runner (tsx, which keeps function names) would name each such closure with
 * Object.defineProperty on every call.
 */
class BodyReader {
  private readonly chunks: Uint8Array[] = [];
  private size = 0;
  private readonly onData: (chunk: Uint8Array) => void;
  private readonly onEnd: () => void;
  private readonly onError: (error: unknown) => void;
  private readonly onClose: () => void;

  constructor(
    private readonly incoming: NodeRequest,
    private readonly maxBytes: number,
    private readonly resolve: (value: Uint8Array) => void,
    private readonly reject: (error: unknown) => void,
  ) {
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
