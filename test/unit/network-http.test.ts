import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../src/errors.js';
import { createLogger } from '../../src/log.js';
import { HttpNetwork, type HttpNetworkOptions } from '../../src/network/http.js';

/**
 * The operator BSS adapter against a real HTTP server (docs/operator-bss-contract.md): the
 * contract on the wire, and every upstream failure mapped to 502/504 without leaking anything.
 */

type Seen = { method: string; url: string; headers: IncomingMessage['headers']; body: unknown };
type Handler = (res: ServerResponse, seen: Seen) => void;

let server: Server;
let base: string;
let handler: Handler;
let seen: Seen[];
let logs: string[];

const json = (status: number, body: unknown) => (res: ServerResponse) => {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
};

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString();
      const entry = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: JSON.parse(text),
      };
      seen.push(entry);
      handler(res, entry);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/bss/v1`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  seen = [];
  logs = [];
  handler = json(404, {});
});

const network = (over: Partial<HttpNetworkOptions> = {}) =>
  new HttpNetwork({
    url: base,
    token: 'bss-credential',
    timeoutMs: 5000,
    logger: createLogger('debug', (line) => logs.push(line)),
    ...over,
  });

const SUBSCRIBER = {
  phoneNumber: '+34600000010',
  lineType: 'consumer',
  excludedApis: ['sim-swap'],
  activatedAt: '2018-03-01T10:00:00Z',
  simChanges: ['2026-01-14T06:00:00+01:00', '2024-05-01T00:00:00Z'],
  kyc: { givenName: 'Federica', familyName: 'Sanchez Arjona', middleNames: null, bankAccount: 'ignored' },
};

async function failure(call: Promise<unknown>): Promise<ApiError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe('HttpNetwork: the contract', () => {
  it('findSubscriber posts the number in the body, with the credential, and maps the answer', async () => {
    handler = json(200, { subscriber: SUBSCRIBER });
    const subscriber = await network().findSubscriber('+34600000010', { kyc: true });
    expect(subscriber).toEqual({
      phoneNumber: '+34600000010',
      lineType: 'consumer',
      excludedApis: ['sim-swap'],
      activatedAt: Date.UTC(2018, 2, 1, 10),
      simChanges: [Date.UTC(2024, 4, 1), Date.UTC(2026, 0, 14, 5)], // oldest first
      kyc: { givenName: 'Federica', familyName: 'Sanchez Arjona' }, // null and unknown attributes dropped
    });
    expect(seen).toHaveLength(1);
    const [request] = seen as [Seen];
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/bss/v1/subscribers/lookup'); // no number in the URL
    expect(request.headers.authorization).toBe('Bearer bss-credential');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.body).toEqual({ phoneNumber: '+34600000010', include: ['kyc'] });
  });

  it('findSubscriber without kyc asks for none and drops any that comes', async () => {
    handler = json(200, { subscriber: { ...SUBSCRIBER, excludedApis: undefined, simChanges: undefined } });
    const subscriber = await network().findSubscriber('+34600000010');
    expect(subscriber).toMatchObject({ excludedApis: [], simChanges: [], kyc: undefined });
    expect(seen[0]?.body).toEqual({ phoneNumber: '+34600000010', include: [] });
  });

  it('404 means unknown: null from every operation', async () => {
    const n = network();
    expect(await n.findSubscriber('+34699999999')).toBeNull();
    expect(await n.resolveDevice({ ip: '203.0.113.9' })).toBeNull();
    expect(await n.validateOperatorToken('unknown')).toBeNull();
    expect(logs).toEqual([]);
  });

  it('resolveDevice and validateOperatorToken', async () => {
    handler = json(200, { phoneNumber: '+34600000001' });
    const n = network();
    expect(await n.resolveDevice({ ip: '198.51.100.10', port: 40010 })).toBe('+34600000001');
    expect(await n.resolveDevice({ ip: '2001:db8::1' })).toBe('+34600000001');
    expect(await n.validateOperatorToken('ts43-sandbox-0001')).toBe('+34600000001');
    expect(seen.map((s) => [s.url, s.body])).toEqual([
      ['/bss/v1/devices/resolve', { ip: '198.51.100.10', port: 40010 }],
      ['/bss/v1/devices/resolve', { ip: '2001:db8::1' }],
      ['/bss/v1/operator-tokens/validate', { operatorToken: 'ts43-sandbox-0001' }],
    ]);
  });
});

describe('HttpNetwork: upstream failures', () => {
  const badGateway = async (reply: Handler, reason: string) => {
    handler = reply;
    const error = await failure(network().findSubscriber('+34600000010', { kyc: true }));
    expect([error.status, error.code, error.message]).toEqual([
      502,
      'BAD_GATEWAY',
      'An upstream internal service cannot be reached.',
    ]);
    expect(logs).toHaveLength(1);
    expect(JSON.parse(logs[0] as string)).toMatchObject({
      level: 'error',
      backend: 'http',
      operation: 'subscribers/lookup',
      reason,
    });
    // Nothing of the subscriber or of the upstream answer reaches the log.
    expect(logs[0]).not.toContain('34600000010');
    expect(logs[0]).not.toContain('stack trace');
  };

  it('5xx → 502 BAD_GATEWAY', async () => {
    await badGateway(json(500, { error: 'stack trace of the BSS' }), 'status 500');
  });

  it('503 → 502 BAD_GATEWAY', async () => {
    await badGateway(json(503, {}), 'status 503');
  });

  it('an unexpected status (the credential refused) → 502', async () => {
    await badGateway(json(401, { error: 'stack trace' }), 'status 401');
  });

  it('a redirect is not followed → 502', async () => {
    await badGateway((res) => res.writeHead(302, { location: 'http://127.0.0.1:1/' }).end(), 'status 302');
  });

  it('malformed JSON → 502', async () => {
    await badGateway(
      (res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"subscriber": {'),
      'malformed JSON',
    );
  });

  it('an answer that is not JSON → 502', async () => {
    await badGateway(
      (res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>ok</h1>'),
      'answer is not application/json',
    );
  });

  it.each([
    ['a line type outside the contract', { subscriber: { ...SUBSCRIBER, lineType: 'satellite' } }],
    ['a date without an offset', { subscriber: { ...SUBSCRIBER, activatedAt: '2018-03-01T10:00:00' } }],
    ['a KYC attribute that is not a string', { subscriber: { ...SUBSCRIBER, kyc: { givenName: 7 } } }],
    ['no subscriber object', { phoneNumber: '+34600000010' }],
    ['an array', [SUBSCRIBER]],
  ])('an answer breaking the contract (%s) → 502', async (_, body) => {
    await badGateway(json(200, body), 'answer does not follow the contract');
  });

  it('an answer about another number → 502', async () => {
    await badGateway(
      json(200, { subscriber: { ...SUBSCRIBER, phoneNumber: '+34600000001' } }),
      'answer for another number',
    );
  });

  it('an oversized answer → 502', async () => {
    const big = { subscriber: { ...SUBSCRIBER, kyc: { address: 'x'.repeat(70_000) } } };
    await badGateway(json(200, big), 'answer too large');
  });

  it('an answer that is not UTF-8 → 502', async () => {
    await badGateway(
      (res) =>
        res.writeHead(200, { 'content-type': 'application/json' }).end(Buffer.from([0x7b, 0xff, 0x7d])),
      'answer is not UTF-8',
    );
  });

  it('an unreachable BSS → 502', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const error = await failure(
      network({ url: `http://127.0.0.1:${port}` }).resolveDevice({ ip: '198.51.100.1' }),
    );
    expect([error.status, error.code]).toEqual([502, 'BAD_GATEWAY']);
  });

  it('no answer within the timeout → 504 TIMEOUT', async () => {
    const timer = new AbortController();
    // The BSS takes the request and never answers; the call's deadline then passes.
    handler = () => timer.abort(new DOMException('deadline', 'TimeoutError'));
    const error = await failure(network({ timeoutSignal: () => timer.signal }).validateOperatorToken('ts43'));
    expect([error.status, error.code, error.message]).toEqual([504, 'TIMEOUT', 'Request timeout exceeded.']);
    expect(JSON.parse(logs[0] as string)).toMatchObject({
      operation: 'operator-tokens/validate',
      reason: 'timeout',
    });
  });

  it('the deadline covers a body that stops half way → 504 TIMEOUT', async () => {
    const timer = new AbortController();
    handler = (res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"subscriber":', () => timer.abort());
    };
    const error = await failure(
      network({ timeoutSignal: () => timer.signal }).findSubscriber('+34600000010'),
    );
    expect([error.status, error.code]).toEqual([504, 'TIMEOUT']);
  });
});
