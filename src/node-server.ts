import type { IncomingMessage, Server, ServerOptions, ServerResponse } from 'node:http';
import type { Config } from './config.js';

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
 * Graceful drain: once stopping, every response says `Connection: close` and its connection closes
 * right after it; idle kept-alive connections close at once; requests that arrived finish.
 */
export class Drain {
  private readonly open = new Set<ServerResponse>();
  private stopping = false;

  constructor(private readonly server: Server) {
    // Prepended: it must run before the app's listener can write the response head.
    server.prependListener('request', (_req: IncomingMessage, res: ServerResponse) => {
      this.open.add(res);
      if (this.stopping) res.setHeader('connection', 'close');
      res.once('close', () => {
        this.open.delete(res);
        // A response whose head (sent before the signal) said keep-alive leaves its connection
        // idle: close it now rather than at the keep-alive timeout.
        if (this.stopping) this.server.closeIdleConnections();
      });
    });
  }

  /** Requests that have arrived and whose response has not finished. */
  get inFlight(): number {
    return this.open.size;
  }

  /** Stops accepting and resolves once every connection has closed. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const res of this.open) if (!res.headersSent) res.setHeader('connection', 'close');
    // A request already sent on a kept-alive connection may sit unread in the socket: that
    // connection still looks idle, and closing it would reset the request. Two turns of the event
    // loop read what had arrived (and accept what was queued) before anything closes.
    await turn();
    await turn();
    await new Promise<void>((resolve) => {
      // Since Node 19, close() also closes the idle connections; busy ones close after their response.
      this.server.close(() => resolve());
      this.server.closeIdleConnections();
    });
  }
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
