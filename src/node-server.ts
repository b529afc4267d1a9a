import {
  STATUS_CODES,
  type IncomingMessage,
  type Server,
  type ServerOptions,
  type ServerResponse,
} from 'node:http';
import { Server as NetServer, type Socket } from 'node:net';
import type { Config } from './config.js';
import { unparsedRequestAnswer } from './http/on-error.js';

/**
 * The Node HTTP server's connection policy: deadlines and a cap so that slow clients cannot hold
 * connections (docs/operations.md), and a shutdown that drains instead of resetting.
 */

/** Options for http.createServer, given to @hono/node-server's serve() as `serverOptions`. */
export function serverOptions(limits: Config['connections']): ServerOptions {
  return {
    headersTimeout: limits.headersTimeoutSeconds * 1000,
    requestTimeout: limits.requestTimeoutSeconds * 1000,
    keepAliveTimeout: limits.keepAliveTimeoutSeconds * 1000,
    // Node checks both deadlines on this interval (30 s by default): a deadline of a few seconds
    // would otherwise hold for up to half a minute more.
    connectionsCheckingInterval: Math.min(1000, limits.headersTimeoutSeconds * 250),
  };
}

/** Applies what http.createServer takes as properties rather than options. */
export function applyLimits(server: Server, limits: Config['connections']): void {
  server.maxConnections = limits.maxConnections;
  server.keepAliveTimeout = limits.keepAliveTimeoutSeconds * 1000;
}

/**
 * What Node's parser refuses never reaches the app: Node's own answer is a bare
 * `400 Bad Request` without a body. The listener answers like the platform (on-error.ts): a CAMARA
 * error with the security headers and an x-correlator. Timeouts (408) and headers past
 * maxHeaderSize (431), which have no CAMARA code, keep Node's answer. As Node does, nothing is
 * written once the connection has sent bytes (a pipelined request after an answered one: an
 * answer would land inside or after another), and the connection is closed.
 */
export function answerUnparsed(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    if (socket.writable && socket.bytesWritten === 0) socket.write(unparsedAnswer(error.code));
    socket.destroy();
  });
}

function unparsedAnswer(code: string | undefined): string {
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return 'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n';
  if (code === 'HPE_HEADER_OVERFLOW') {
    return 'HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\n\r\n';
  }
  const { status, headers, body } = unparsedRequestAnswer(code === 'HPE_CHUNK_EXTENSIONS_OVERFLOW');
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  return (
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n${lines.join('')}` +
    `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`
  );
}

/**
 * Graceful drain: once stopping, requests that arrived finish, every response says
 * `Connection: close` and its connection closes right after it; idle kept-alive connections close
 * after a short linger (see stop()).
 */
export class Drain {
  private readonly open = new Set<ServerResponse>();
  private readonly sockets = new Set<Socket>();
  private stopping = false;
  private onSocketClosed: () => void = () => undefined;

  constructor(private readonly server: Server) {
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => {
        this.sockets.delete(socket);
        this.onSocketClosed();
      });
    });
    // Prepended: it must run before the app's listener can write the response head.
    server.prependListener('request', (_req: IncomingMessage, res: ServerResponse) => {
      this.open.add(res);
      if (this.stopping) res.setHeader('connection', 'close');
      res.once('close', () => this.open.delete(res));
    });
  }

  /** Requests that have arrived and whose response has not finished. */
  get inFlight(): number {
    return this.open.size;
  }

  /**
   * Stops accepting and resolves once every connection has closed. Kept-alive connections get up
   * to `lingerMs` to carry one more request (answered with `Connection: close`, then closed): a
   * client under load sends its next request as soon as it has the previous answer, and closing
   * its connection while that request travels would reset it. What is still idle then is closed.
   */
  async stop(lingerMs: number): Promise<void> {
    this.stopping = true;
    for (const res of this.open) if (!res.headersSent) res.setHeader('connection', 'close');
    // A request already sent may sit unread in its socket, and a connection in the listen queue:
    // two turns of the event loop read and accept them before anything closes.
    await turn();
    await turn();
    // Stop listening only: http.Server#close would also close the idle connections at once
    // (Node ≥ 19), which is what the linger avoids. New connections are refused from here on.
    const closed = new Promise<void>((resolve) =>
      NetServer.prototype.close.call(this.server, () => resolve()),
    );
    if (this.sockets.size > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, lingerMs);
        this.onSocketClosed = () => {
          if (this.sockets.size > 0) return;
          clearTimeout(timer);
          resolve();
        };
      });
    }
    // Busy connections close after their response; the idle ones now.
    this.server.closeIdleConnections();
    await closed;
  }
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
