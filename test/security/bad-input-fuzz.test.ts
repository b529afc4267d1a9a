import { describe, expect, it } from 'vitest';
import { X_CORRELATOR_PATTERN } from '../../src/http/correlator.js';
import { testPlatform } from '../support/app.js';
import { responseSchema, schemaErrors, camaraFacts } from '../support/openapi-schema.js';

/**
 * A bounded, deterministic fuzz of the SIM Swap resource side: random bodies, media types,
 * correlators, tokens, methods and paths. Whatever the input, the answer is never a 5xx, always
 * JSON, and either a schema-valid 200 or a well-formed ErrorInfo.
 */

const SEED = 0x5eed2026;
const CHECK = '/sim-swap/v2/check';
const RETRIEVE = '/sim-swap/v2/retrieve-date';
const ROUNDS = 300;
const doc = camaraFacts('sim-swap');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** mulberry32: a small seeded PRNG, so that a failure replays exactly. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
  const ascii = (max: number) =>
    Array.from({ length: int(max + 1) }, () => String.fromCharCode(32 + int(95))).join('');
  return { next, int, pick, ascii };
}

type Rng = ReturnType<typeof prng>;

const NUMBERS = [
  '+34600000001',
  '+34600000004',
  '+34600000006',
  '+34600000007',
  '+34699999999',
  '+346',
  '34600000001',
];
const NUMERIC = [0, -1, 1, 12, 240, 2400, 2401, 100000, 1.5, -0.5, 1e20, Number.MAX_SAFE_INTEGER];
const KEYS = ['phoneNumber', 'maxAge', '__proto__', 'constructor', 'prototype', 'toString', 'extra', ''];

function value(r: Rng, depth: number): unknown {
  switch (r.int(depth > 3 ? 5 : 7)) {
    case 0:
      return null;
    case 1:
      return r.next() < 0.5;
    case 2:
      return r.pick(NUMERIC);
    case 3:
      return r.pick(NUMBERS);
    case 4:
      return r.next() < 0.2 ? 'x'.repeat(r.int(3000)) : `${r.ascii(20)}\u00e9\u{1f600}`;
    case 5:
      return Array.from({ length: r.int(4) }, () => value(r, depth + 1));
    default:
      return object(r, depth + 1);
  }
}

function object(r: Rng, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = r.int(4); i > 0; i--) {
    const key = r.next() < 0.8 ? r.pick(KEYS) : r.ascii(8);
    Object.defineProperty(out, key, { value: value(r, depth), enumerable: true, writable: true });
  }
  return out;
}

/** A body close to a real request: a known or unknown number, with or without maxAge. */
function plausible(r: Rng): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (r.next() < 0.85) out.phoneNumber = r.pick(NUMBERS);
  if (r.next() < 0.4) out.maxAge = r.pick(NUMERIC);
  return out;
}

/** A JSON text, sometimes broken: truncated, with a stray character, or raw noise. */
function body(r: Rng): string | undefined {
  const roll = r.next();
  if (roll < 0.04) return undefined;
  if (roll < 0.08) return r.ascii(40);
  if (roll < 0.12)
    return JSON.stringify({ phoneNumber: '+34600000001', pad: 'x'.repeat(2048 + r.int(4096)) });
  if (roll < 0.6) return JSON.stringify(plausible(r));
  const text = JSON.stringify(r.next() < 0.8 ? object(r, 0) : value(r, 0));
  if (roll < 0.7) return text.slice(0, r.int(text.length));
  if (roll < 0.8) {
    const at = r.int(text.length + 1);
    return `${text.slice(0, at)}${r.pick(['"', '{', ']', ',', '\\', ':', '\u0000'])}${text.slice(at)}`;
  }
  return text;
}

describe('fuzz: the resource side never fails open or with a 5xx', () => {
  it(`${ROUNDS} seeded random requests (seed ${SEED.toString(16)})`, async () => {
    const r = prng(SEED);
    const p = await testPlatform({ env: { MAX_BODY_BYTES: '2048' } });
    const tokens = [
      await p.token(),
      await p.token({ subscriber: '+34600000001', amr: ['nba'] }),
      await p.token({ scopes: ['sim-swap'] }),
      await p.token({ scopes: ['sim-swap:check'] }),
    ];
    const statuses = new Map<number, number>();

    for (let round = 0; round < ROUNDS; round++) {
      p.clock.advance(100); // 10 requests/s: under the sandbox burst limit
      const path = r.pick([...[CHECK, CHECK, CHECK, RETRIEVE, RETRIEVE], '/sim-swap/v2/x', '/nope']);
      const method = r.next() < 0.9 ? 'POST' : r.pick(['GET', 'PUT', 'DELETE', 'PATCH']);
      const headers: Record<string, string> = {};
      const type = r.pick([
        ...['application/json', 'application/json', 'application/json', 'application/json'],
        'application/json; charset=utf-8',
        'text/plain',
        'application/json; charset=latin1',
        '*/*',
        undefined,
      ]);
      if (type !== undefined) headers['content-type'] = type;
      const correlator = r.pick([
        ...[undefined, undefined, undefined, undefined, '', 'aZ09-_:;./<>{}'],
        ...['b4333c46-49c0-4f62-80d7-f0ef930f1c46', '0f6e2b4a-0000-4000-8000-000000000001'],
        ...[r.ascii(12), 'x'.repeat(257)],
      ]);
      if (correlator !== undefined) headers['x-correlator'] = correlator;
      const auth = r.pick([
        ...[...tokens, ...tokens, ...tokens].map((t) => `Bearer ${t}`),
        'Bearer garbage',
        'Basic Zm9vOmJhcg==',
        undefined,
      ]);
      if (auth !== undefined) headers.authorization = auth;
      const sent = method === 'GET' ? undefined : body(r);
      const request = {
        round,
        method,
        path,
        headers: { ...headers, authorization: auth?.slice(0, 12) },
        body: sent?.slice(0, 200),
      };

      const res = await p.app.request(path, {
        method,
        headers,
        ...(sent === undefined ? {} : { body: sent }),
      });
      const text = await res.text();
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      const where = JSON.stringify(request);

      expect(res.status, where).toBeLessThan(500);
      expect(res.headers.get('content-type'), where).toBe('application/json');
      const echoed = res.headers.get('x-correlator');
      const received = correlator?.trim(); // Fetch and HTTP parsers strip surrounding whitespace
      if (received !== undefined && received !== '' && X_CORRELATOR_PATTERN.test(received)) {
        expect(echoed, where).toBe(received);
      } else {
        expect(echoed, where).toMatch(UUID);
      }
      const parsed = JSON.parse(text) as Record<string, unknown>;
      const op = path.endsWith('/check')
        ? '/check'
        : path.endsWith('/retrieve-date')
          ? '/retrieve-date'
          : undefined;
      if (res.status === 200) {
        expect(op, where).toBeDefined();
        expect(schemaErrors(doc, responseSchema(doc, op as string, 'post', 200), parsed), where).toEqual([]);
        continue;
      }
      expect(Object.keys(parsed).sort(), where).toEqual(['code', 'message', 'status']);
      expect(parsed.status, where).toBe(res.status);
      expect(parsed.code, where).toMatch(/^[A-Z][A-Z_.]*$/);
      // Commonalities 0.8.0 bounds ErrorInfo.message at 512 characters; 0.6 sets no bound.
      const message = typeof parsed.message === 'string' ? parsed.message : '';
      expect(message.length > 0 && message.length <= 512, where).toBe(true);
      const documented = [400, 401, 403, 404, 422, 429].includes(res.status);
      if (op !== undefined && documented) {
        expect(schemaErrors(doc, responseSchema(doc, op, 'post', res.status), parsed), where).toEqual([]);
      }
    }

    // The generator reaches every layer: success, body, media type, size, token and routing refusals.
    for (const status of [200, 400, 401, 403, 404, 405, 413, 415, 422]) {
      expect(
        statuses.get(status) ?? 0,
        `status ${status} in ${JSON.stringify([...statuses])}`,
      ).toBeGreaterThan(0);
    }
  });
});
