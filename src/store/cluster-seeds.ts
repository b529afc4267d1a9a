/** A seed node of a Redis Cluster: the client learns the others (and the slots) from it. */
export type ClusterSeed = { host: string; port: number };

/**
 * How the client talks to every node of a cluster: ioredis applies one set of connection options
 * to the seeds and to the nodes it discovers, so one setting holds for all of them.
 */
export type ClusterConnection = {
  tls: boolean;
  username: string | undefined;
  password: string | undefined;
};

export type ClusterNodes = { seeds: ClusterSeed[]; connection: ClusterConnection };

/** `host:port`, the host a name, an IPv4 address or a bracketed IPv6 address. */
const HOST_PORT = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):([0-9]{1,5})$/;
const HOST = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)$/;
const PLAIN: ClusterConnection = { tls: false, username: undefined, password: undefined };

/**
 * REDIS_CLUSTER_NODES: seeds written `host:port`, or as REDIS_URL is, `redis://` or
 * `rediss://[user:password@]host[:port]` (the credentials percent-encoded), comma-separated. A
 * seed never shows in a problem: its credentials would reach the log.
 */
export function parseClusterNodes(value: string): ClusterNodes | { problem: string } {
  const parsed = value.split(',').map((seed) => parseSeed(seed.trim()));
  if (parsed.some((p) => p === undefined)) {
    return {
      problem:
        'must be seed nodes, comma-separated: host:port, or redis:// or rediss://[user:password@]host:port',
    };
  }
  const seeds = parsed as { seed: ClusterSeed; connection: ClusterConnection }[];
  const first = seeds[0]?.connection ?? PLAIN;
  const agree = seeds.every(
    ({ connection: c }) =>
      c.tls === first.tls && c.username === first.username && c.password === first.password,
  );
  if (!agree) {
    return { problem: 'every seed must have the same scheme and credentials: one setting for every node' };
  }
  return { seeds: seeds.map((s) => s.seed), connection: first };
}

function parseSeed(text: string): { seed: ClusterSeed; connection: ClusterConnection } | undefined {
  if (!/^rediss?:\/\//i.test(text)) {
    const m = HOST_PORT.exec(text);
    if (m === null || !validPort(Number(m[2]))) return undefined;
    return { seed: { host: unbracket(m[1] ?? ''), port: Number(m[2]) }, connection: PLAIN };
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  const port = url.port === '' ? 6379 : Number(url.port);
  // A database number or options have no meaning on a cluster (one database, options are ours).
  if (!HOST.test(url.hostname) || !validPort(port) || !['', '/'].includes(url.pathname)) return undefined;
  if (url.search !== '' || url.hash !== '') return undefined;
  const decoded = (v: string) => (v === '' ? undefined : decodeURIComponent(v));
  try {
    return {
      seed: { host: unbracket(url.hostname), port },
      connection: {
        tls: url.protocol === 'rediss:',
        username: decoded(url.username),
        password: decoded(url.password),
      },
    };
  } catch {
    return undefined; // a malformed percent-escape in the credentials
  }
}

const validPort = (port: number) => Number.isInteger(port) && port >= 1 && port <= 65535;
const unbracket = (host: string) => host.replace(/^\[|\]$/g, '');
