import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';
import { configProblems } from '../support/config-problems.js';

const problems = configProblems;

describe('REDIS_CLUSTER_NODES', () => {
  it('is unset by default: no cluster', () => {
    expect(parseConfig({}).redisClusterNodes).toBeUndefined();
    expect(parseConfig({ REDIS_CLUSTER_NODES: ' ' }).redisClusterNodes).toBeUndefined();
  });

  it('takes host:port seeds, comma-separated: names, IPv4 and bracketed IPv6', () => {
    const config = parseConfig({ REDIS_CLUSTER_NODES: 'redis-a.internal:7000, 10.0.0.2:7001,[::1]:7002' });
    expect(config.redisClusterNodes).toEqual([
      { host: 'redis-a.internal', port: 7000 },
      { host: '10.0.0.2', port: 7001 },
      { host: '::1', port: 7002 },
    ]);
    expect(config.redisUrl).toBeUndefined();
  });

  it.each(['redis://10.0.0.1:7000', '10.0.0.1', '10.0.0.1:0', '10.0.0.1:65536', 'a:7000,,b:7001'])(
    'refuses %j',
    (value) => {
      expect(problems({ REDIS_CLUSTER_NODES: value })).toEqual([
        'REDIS_CLUSTER_NODES: must be host:port seed nodes, comma-separated',
      ]);
    },
  );

  it('refuses REDIS_URL beside it: one store, never a guess', () => {
    expect(problems({ REDIS_URL: 'redis://10.0.0.1:6379', REDIS_CLUSTER_NODES: '10.0.0.1:7000' })).toEqual([
      'REDIS_CLUSTER_NODES: set REDIS_URL or REDIS_CLUSTER_NODES, not both',
    ]);
  });
});
