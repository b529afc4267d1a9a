import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { summarise } from '../../bench/profile.js';

const ROOT = 'file:///srv/gateway';
type Frame = { fn: string; url: string; hits?: number; children?: Frame[] };

/** A .cpuprofile from a tree of frames, ids in depth-first order. */
function profileFile(tree: Frame): string {
  const nodes: unknown[] = [];
  let next = 1;
  const add = (f: Frame): number => {
    const id = next++;
    const node = {
      id,
      callFrame: { functionName: f.fn, url: f.url, lineNumber: 0 },
      hitCount: f.hits ?? 0,
      children: [] as number[],
    };
    nodes.push(node);
    for (const child of f.children ?? []) node.children.push(add(child));
    return id;
  };
  add(tree);
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'profile-')), 'p.cpuprofile');
  writeFileSync(file, JSON.stringify({ nodes }));
  return file;
}

describe('benchmark profile summary', () => {
  it('counts each sample for the step whose code asked for it, helpers and libraries included', async () => {
    const file = profileFile({
      fn: '(root)',
      url: '',
      children: [
        { fn: '(idle)', url: '', hits: 1000 },
        {
          fn: 'dispatch',
          url: `${ROOT}/node_modules/hono/dist/compose.js`,
          hits: 10,
          children: [
            {
              fn: 'read',
              url: `${ROOT}/src/consent/records.ts`,
              hits: 20,
              children: [
                // A shared helper and the library under it: the legal basis asked for both.
                {
                  fn: 'mac',
                  url: `${ROOT}/src/hash.ts`,
                  hits: 5,
                  children: [{ fn: 'process', url: `${ROOT}/node_modules/@noble/hashes/sha2.js`, hits: 15 }],
                },
              ],
            },
            { fn: 'authenticate', url: `${ROOT}/src/auth/resource-guard.ts`, hits: 10 },
          ],
        },
        { fn: 'returnReply', url: `${ROOT}/node_modules/ioredis/built/DataHandler.js`, hits: 30 },
        { fn: '(garbage collector)', url: '', hits: 10 },
      ],
    });
    const summary = await summarise(file);
    const features = Object.fromEntries(summary.features);
    expect(features).toEqual({
      '7. legal basis (consent reads, pseudonym)': 0.4,
      '2. token check (cached verification)': 0.1,
      'no platform frame: Hono routing (router, context, middleware chain)': 0.1,
      'no platform frame: Redis client (ioredis)': 0.3,
      'no platform frame: garbage collection': 0.1,
    });
    // By the sampled function alone, the idle samples left out as before.
    expect(Object.fromEntries(summary.groups)).toMatchObject({
      'our code (src/, apis/)': 0.35,
      'Redis client (ioredis)': 0.3,
      'garbage collection': 0.1,
    });
  });

  it("keeps the peer's libraries out of the platform's own code", async () => {
    const file = profileFile({
      fn: '(root)',
      url: '',
      children: [
        { fn: 'decode', url: `${ROOT}/node_modules/fast-jwt/src/decoder.js`, hits: 3 },
        { fn: 'handler', url: `${ROOT}/bench/peer-server.ts`, hits: 1 },
      ],
    });
    const groups = Object.fromEntries((await summarise(file)).groups);
    expect(groups).toEqual({
      'peer: fastify, @fastify/jwt, fast-jwt, @fastify/rate-limit, ajv': 0.75,
      "peer: the benchmark service's own code": 0.25,
    });
  });
});
