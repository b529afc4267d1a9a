import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { ClusterConnection, ClusterSeed } from './cluster-seeds.js';

export type { ClusterConnection, ClusterSeed } from './cluster-seeds.js';

export type RedisClientOptions = {
  /** One server: `redis://` or `rediss://`. */
  url?: string | undefined;
  /** A Redis Cluster, by seed nodes; when set, `url` is not used. */
  clusterNodes?: readonly ClusterSeed[] | undefined;
  /** TLS and credentials of every cluster node; absent: plain TCP, no AUTH. */
  clusterConnection?: ClusterConnection | undefined;
  keyPrefix: string;
  /** Upper bound of one command, for a server that accepts connections but does not answer. */
  commandTimeoutMs?: number | undefined;
  /**
   * A connection that lives for one request (a Worker's, DESIGN §3): no script preload (EVALSHA
   * falls back to EVAL, which caches the script on the server), no ready check and no
   * reconnection, so that a request pays one connection and its commands, nothing outlives it, and
   * its wait is bounded by connectTimeout (the handshake) plus the command timeout.
   */
  perRequest?: boolean | undefined;
};

/** The default upper bound of one command (RedisClientOptions.commandTimeoutMs). */
export const COMMAND_TIMEOUT_MS = 2000;

/** Either client: both implement every command the engine sends, scripts included. */
export type RedisClient = Redis | Cluster;

/**
 * The connection settings of the engine, for one server and for every node of a cluster alike:
 * fail fast while a server is down (no offline queue, no retry of a command whose connection
 * broke, bounded command time), so that the platform answers 503 at once instead of hanging, and
 * reconnect by itself.
 */
function connectionOptions(options: RedisClientOptions): RedisOptions {
  return {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: options.commandTimeoutMs ?? COMMAND_TIMEOUT_MS,
    connectTimeout: 2000,
    lazyConnect: true,
    retryStrategy: options.perRequest ? () => null : (times) => Math.min(100 * times, 1000),
    // A per-request connection goes straight to its commands. ioredis's own on connecting
    // (CLIENT SETINFO, then the INFO ready check) would cost each Worker call round trips of their
    // own, and on a frozen server each waits its command timeout before the call's command waits
    // its own. A server still loading answers LOADING: a 503 too.
    enableReadyCheck: !options.perRequest,
    disableClientInfo: options.perRequest === true,
  };
}

export function createRedisClient(options: RedisClientOptions): RedisClient {
  if (options.clusterNodes !== undefined && options.clusterNodes.length > 0) {
    const clusterOptions: ClusterOptions = {
      keyPrefix: options.keyPrefix,
      // Commands leave in one write per node and turn; every script's keys share one slot
      // (store/keys.ts), so each command goes whole to the master of that slot.
      enableAutoPipelining: true,
      enableOfflineQueue: false,
      lazyConnect: true,
      redisOptions: { ...connectionOptions(options), ...clusterAuth(options.clusterConnection) },
      // With TLS the certificate is checked against the name the operator wrote: ioredis's own
      // lookup would connect to the resolved address, which a managed service's certificate does
      // not name. Without TLS its lookup is kept.
      ...(options.clusterConnection?.tls === true
        ? {
            dnsLookup: (address: string, done: (error: null, address: string) => void) => done(null, address),
          }
        : {}),
      clusterRetryStrategy: (times) => Math.min(100 * times, 1000),
      // MOVED and ASK are followed (a slot moving); CLUSTERDOWN and a lost node are retried a few
      // times, 100 ms apart, then the command fails: the store answers 503, never a bypass.
      maxRedirections: 8,
      retryDelayOnMoved: 0,
      retryDelayOnFailover: 100,
      retryDelayOnClusterDown: 100,
      retryDelayOnTryAgain: 100,
      slotsRefreshTimeout: 2000,
    };
    return new Cluster(
      options.clusterNodes.map((n) => ({ host: n.host, port: n.port })),
      clusterOptions,
    );
  }
  if (options.url === undefined) throw new TypeError('redis store: a url or cluster nodes are required');
  return new Redis(options.url, {
    ...connectionOptions(options),
    keyPrefix: options.keyPrefix,
    // Commands issued in the same turn of the event loop leave in one write: the hot path's
    // rate-limit hit and revocation read cost one round trip (DESIGN §2).
    enableAutoPipelining: true,
  });
}

/**
 * AUTH (an ACL user, or the default user by password) and TLS for every node. TLS is Node's
 * default: the certificate must chain to a trusted CA (the system's, plus NODE_EXTRA_CA_CERTS)
 * and name the host; nothing here relaxes that.
 */
function clusterAuth(connection: ClusterConnection | undefined): RedisOptions {
  if (connection === undefined) return {};
  return {
    ...(connection.username === undefined ? {} : { username: connection.username }),
    ...(connection.password === undefined ? {} : { password: connection.password }),
    ...(connection.tls ? { tls: {} } : {}),
  };
}

/**
 * Why the first seed of a cluster refuses a connection of its own, or undefined when it accepts
 * one. The cluster client's slot refresh runs on connections whose errors it drops, and says only
 * "Connection is closed." where a certificate was refused: this one connection says why.
 */
export async function seedRefusal(options: RedisClientOptions): Promise<Error | undefined> {
  const seed = options.clusterNodes?.[0];
  if (seed === undefined) return undefined;
  const probe = new Redis({
    host: seed.host,
    port: seed.port,
    ...connectionOptions({ ...options, perRequest: true }),
    ...clusterAuth(options.clusterConnection),
  });
  let refusal: Error | undefined;
  probe.on('error', (error: Error) => (refusal ??= error));
  try {
    await probe.connect();
    await probe.ping();
    return undefined;
  } catch (error) {
    return refusal ?? (error instanceof Error ? error : new Error(String(error)));
  } finally {
    probe.disconnect();
  }
}
