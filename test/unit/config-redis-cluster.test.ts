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

  it('takes seeds written as REDIS_URL is: TLS and the ACL user and password of every node', () => {
    const config = parseConfig({
      REDIS_CLUSTER_NODES:
        'rediss://gateway:p%40ss%2Cword@redis-a.internal:7000,rediss://gateway:p%40ss%2Cword@[::1]:7001',
    });
    expect([config.redisClusterNodes, config.redisClusterConnection]).toEqual([
      [
        { host: 'redis-a.internal', port: 7000 },
        { host: '::1', port: 7001 },
      ],
      { tls: true, username: 'gateway', password: 'p@ss,word' },
    ]);
  });

  it('a redis:// seed with a password only (the default user), the port 6379 when left out', () => {
    const config = parseConfig({ REDIS_CLUSTER_NODES: 'redis://:secret@10.0.0.1' });
    expect([config.redisClusterNodes, config.redisClusterConnection]).toEqual([
      [{ host: '10.0.0.1', port: 6379 }],
      { tls: false, username: undefined, password: 'secret' },
    ]);
  });

  it('host:port seeds: plain TCP and no AUTH', () => {
    expect(parseConfig({ REDIS_CLUSTER_NODES: '10.0.0.1:7000' }).redisClusterConnection).toEqual({
      tls: false,
      username: undefined,
      password: undefined,
    });
  });

  it.each([
    '10.0.0.1',
    '10.0.0.1:0',
    '10.0.0.1:65536',
    'a:7000,,b:7001',
    'rediss://u:p@10.0.0.1:7000/2',
    'rediss://u:p@10.0.0.1:7000?tls=',
    'rediss://u:%zz@10.0.0.1:7000',
    'http://10.0.0.1:7000',
  ])('refuses %j, without repeating it', (value) => {
    expect(problems({ REDIS_CLUSTER_NODES: value })).toEqual([
      'REDIS_CLUSTER_NODES: must be seed nodes, comma-separated: host:port, or redis:// or rediss://[user:password@]host:port',
    ]);
  });

  it.each([
    'rediss://u:p@10.0.0.1:7000,10.0.0.2:7000',
    'rediss://u:p@10.0.0.1:7000,redis://u:p@10.0.0.2:7000',
    'rediss://u:p@10.0.0.1:7000,rediss://u:q@10.0.0.2:7000',
  ])('refuses seeds that disagree on TLS or credentials: %j', (value) => {
    expect(problems({ REDIS_CLUSTER_NODES: value })).toEqual([
      'REDIS_CLUSTER_NODES: every seed must have the same scheme and credentials: one setting for every node',
    ]);
  });

  it('refuses REDIS_URL beside it: one store, never a guess', () => {
    expect(problems({ REDIS_URL: 'redis://10.0.0.1:6379', REDIS_CLUSTER_NODES: '10.0.0.1:7000' })).toEqual([
      'REDIS_CLUSTER_NODES: set REDIS_URL or REDIS_CLUSTER_NODES, not both',
    ]);
  });
});

describe('REDIS_URL', () => {
  it.each([
    'rediss://u:p@10.0.0.1:6379?tls=',
    'rediss://10.0.0.1:6379/?enableOfflineQueue=true',
    'redis://h:1#x',
  ])(
    'refuses a query or fragment, which the driver would read as options over the platform’s: %j',
    (value) => {
      expect(problems({ REDIS_URL: value })).toEqual(['REDIS_URL: must not carry a query or fragment']);
    },
  );
});
