import { describe, expect, it } from 'vitest';
import { post, testPlatform, type TestPlatform } from '../support/app.js';
import {
  CORRELATOR,
  expectError,
  expectSuccess,
  standard,
  type Operation,
} from '../support/camara-assert.js';
import { camaraFacts } from '../support/openapi-schema.js';

/**
 * The resource side against malformed, oversized, mistyped and hostile requests: every refusal
 * is a clean CAMARA ErrorInfo (never a 5xx), and no input is echoed back unchecked.
 */

const CHECK = '/sim-swap/v2/check';
const op: Operation = { doc: camaraFacts('sim-swap'), path: '/check', method: 'post' };
const VALID = { phoneNumber: '+34600000001' };

async function platform(env?: Record<string, string>) {
  const p = await testPlatform(env === undefined ? {} : { env });
  return { p, token: await p.token() };
}

/** A POST with a raw body and exactly the headers given (no defaults but the token). */
function raw(p: TestPlatform, token: string, body: BodyInit | null, headers: Record<string, string> = {}) {
  return Promise.resolve(
    p.app.request(CHECK, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'x-correlator': CORRELATOR, ...headers },
      body,
      ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
    } as RequestInit),
  );
}

const bytes = (text: string) => new TextEncoder().encode(text);
const json = { 'content-type': 'application/json' };

describe('request body', () => {
  it.each(['{"phoneNumber":', '{', "{'phoneNumber':'+34600000001'}", 'nul', '{"maxAge":1,}', '{"a":01}'])(
    'malformed JSON %j is 400 INVALID_ARGUMENT',
    async (body) => {
      const { p, token } = await platform();
      const res = await raw(p, token, bytes(body), json);
      await expectError(
        res,
        { status: 400, code: 'INVALID_ARGUMENT', message: 'Malformed JSON in request body.' },
        op,
      );
    },
  );

  it('invalid UTF-8 is 400 INVALID_ARGUMENT', async () => {
    const { p, token } = await platform();
    const res = await raw(p, token, new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x7d]), json);
    await expectError(
      res,
      { status: 400, code: 'INVALID_ARGUMENT', message: 'Malformed JSON in request body.' },
      op,
    );
  });

  it.each(['[]', '[{"phoneNumber":"+34600000001"}]', '"+34600000001"', 'null', '42', 'true'])(
    'non-object JSON %s is 400 INVALID_ARGUMENT (Commonalities: the body MUST be a JSON object)',
    async (body) => {
      const { p, token } = await platform();
      const message = 'The request body must be a JSON object.';
      await expectError(
        await raw(p, token, bytes(body), json),
        { status: 400, code: 'INVALID_ARGUMENT', message },
        op,
      );
    },
  );

  it.each([
    ['with a JSON content type', json],
    ['without a content type', {}],
  ])('an empty body %s is 400 INVALID_ARGUMENT (the body is required)', async (_label, headers) => {
    const { p, token } = await platform();
    const message = 'A JSON request body is required.';
    await expectError(
      await raw(p, token, null, headers),
      { status: 400, code: 'INVALID_ARGUMENT', message },
      op,
    );
  });

  it('a body without a content type is 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    const { p, token } = await platform();
    await expectError(
      await raw(p, token, bytes(JSON.stringify(VALID))),
      standard('UNSUPPORTED_MEDIA_TYPE'),
      op,
    );
  });

  it.each([
    'text/plain',
    'text/plain;charset=UTF-8',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/xml',
    'application/merge-patch+json',
    'application/jsonx',
    'application/json; charset=iso-8859-1',
    'application/json; charset=utf-16',
    'application/json; charset=us-ascii',
    'application/json; version=2',
  ])('content type %s is 415 UNSUPPORTED_MEDIA_TYPE', async (type) => {
    const { p, token } = await platform();
    const res = await raw(p, token, bytes(JSON.stringify(VALID)), { 'content-type': type });
    await expectError(res, standard('UNSUPPORTED_MEDIA_TYPE'), op);
  });

  it.each([
    'application/json',
    'application/json; charset=utf-8',
    'application/json;charset=UTF-8',
    'application/json; charset="utf-8"',
    'Application/JSON',
  ])('content type %s is accepted (UTF-8 only, Commonalities §1.5)', async (type) => {
    const { p, token } = await platform();
    const res = await raw(p, token, bytes(JSON.stringify(VALID)), { 'content-type': type });
    expect(await expectSuccess(res, op)).toEqual({ swapped: true });
  });

  it('a byte order mark before the JSON text is ignored (RFC 8259 §8.1)', async () => {
    const { p, token } = await platform();
    const res = await raw(p, token, bytes(`\ufeff${JSON.stringify(VALID)}`), json);
    expect(await expectSuccess(res, op)).toEqual({ swapped: true });
  });
});

describe('body size (MAX_BODY_BYTES)', () => {
  const MAX = 1024;
  /** The valid body padded with JSON whitespace to exactly `size` bytes. */
  const padded = (size: number) => {
    const text = JSON.stringify(VALID);
    return `${text}${' '.repeat(size - text.length)}`;
  };

  it('a body of exactly MAX_BODY_BYTES is accepted, one byte more is 413 (with content-length)', async () => {
    const { p, token } = await platform({ MAX_BODY_BYTES: String(MAX) });
    expect(await expectSuccess(await raw(p, token, padded(MAX), json), op)).toEqual({ swapped: true });
    const res = await raw(p, token, padded(MAX + 1), json);
    expect(res.status).toBe(413);
    await expectError(res, standard('CONTENT_TOO_LARGE'), op);
  });

  it('a chunked body without content-length is cut off at MAX_BODY_BYTES with 413', async () => {
    const { p, token } = await platform({ MAX_BODY_BYTES: String(MAX) });
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        // An endless body: the server must stop reading, not buffer it all.
        pulled += 1;
        controller.enqueue(bytes(pulled === 1 ? '{"phoneNumber":"+34600000001","pad":"' : 'x'.repeat(256)));
      },
    });
    const res = await raw(p, token, stream, json);
    expect(res.headers.get('content-length')).toBeNull();
    await expectError(res, standard('CONTENT_TOO_LARGE'), op);
    expect(pulled).toBeLessThan(20);
  });

  it('a small chunked body is read whole', async () => {
    const { p, token } = await platform({ MAX_BODY_BYTES: String(MAX) });
    const parts = ['{"phoneNumber":', '"+34600000001"', '}'];
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const part of parts) controller.enqueue(bytes(part));
        controller.close();
      },
    });
    expect(await expectSuccess(await raw(p, token, stream, json), op)).toEqual({ swapped: true });
  });
});

describe('hostile JSON', () => {
  it.each([
    ['an unknown property', { ...VALID, foo: 'bar' }, 'Unknown property: foo.'],
    ['an unknown nested object', { ...VALID, extra: { a: 1 } }, 'Unknown property: extra.'],
  ])('%s is 400 INVALID_ARGUMENT', async (_label, body, message) => {
    const { p, token } = await platform();
    await expectError(
      await post(p.app, CHECK, body, token),
      { status: 400, code: 'INVALID_ARGUMENT', message },
      op,
    );
  });

  it('unknown property names are quoted, cut and counted: the message stays short', async () => {
    const { p, token } = await platform();
    const long = `${'k'.repeat(1000)}`;
    const one = await post(p.app, CHECK, { ...VALID, [long]: 1 }, token);
    const cut = `Unknown property: "${'k'.repeat(64)}…".`;
    await expectError(one, { status: 400, code: 'INVALID_ARGUMENT', message: cut }, op);
    const odd = await post(p.app, CHECK, { ...VALID, 'a, b': 1, '': 2, 'x\ty': 3 }, token);
    const quoted = 'Unknown property: "a, b", "", "x\\ty".';
    await expectError(odd, { status: 400, code: 'INVALID_ARGUMENT', message: quoted }, op);
    const many = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${i}`, i]));
    const res = await post(p.app, CHECK, { ...VALID, ...many }, token);
    const message = 'Unknown property: k0, k1, k2, k3, k4 and 495 more.';
    await expectError(res, { status: 400, code: 'INVALID_ARGUMENT', message }, op);
  });

  it.each([
    ['__proto__', `{"phoneNumber":"+34600000001","__proto__":{"maxAge":1,"polluted":true}}`],
    ['constructor.prototype', `{"phoneNumber":"+34600000001","constructor":{"prototype":{"polluted":true}}}`],
    ['prototype', `{"phoneNumber":"+34600000001","prototype":{"polluted":true}}`],
  ])('a %s key is refused as an unknown property and pollutes nothing', async (key, body) => {
    const { p, token } = await platform();
    const res = await post(p.app, CHECK, body, token);
    await expectError(
      res,
      { status: 400, code: 'INVALID_ARGUMENT', message: `Unknown property: ${key.split('.')[0]}.` },
      op,
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    // The platform still answers normally afterwards.
    expect(await expectSuccess(await post(p.app, CHECK, VALID, token), op)).toEqual({ swapped: true });
  });

  it.each([
    ['nested arrays', `{"phoneNumber":${'['.repeat(4000)}${']'.repeat(4000)}}`],
    ['nested objects', `{"phoneNumber":"+34600000001","x":${'{"a":'.repeat(1500)}1${'}'.repeat(1500)}}`],
  ])('deeply %s are a clean 400', async (_label, body) => {
    const { p, token } = await platform();
    const res = await post(p.app, CHECK, body, token);
    const error = await expectError(res, { status: 400, code: 'INVALID_ARGUMENT' }, op);
    expect(error.message.length).toBeLessThan(200);
  });

  it.each([
    ['1e308', 'OUT_OF_RANGE'],
    ['12345678901234567890', 'OUT_OF_RANGE'],
    ['-1e308', 'OUT_OF_RANGE'],
    ['-0', 'OUT_OF_RANGE'],
    ['1e400', 'INVALID_ARGUMENT'], // JSON.parse gives Infinity: not a number at all
    ['2.55e1', 'INVALID_ARGUMENT'], // 25.5: not an integer
  ])('maxAge %s is a clean 400 %s', async (value, code) => {
    const { p, token } = await platform();
    const res = await post(p.app, CHECK, `{"phoneNumber":"+34600000001","maxAge":${value}}`, token);
    await expectError(res, { status: 400, code, message: /^maxAge: / }, op);
  });

  it('a long phoneNumber is refused without being echoed', async () => {
    const { p, token } = await platform();
    const long = `+34${'9'.repeat(5000)}`;
    const error = await expectError(await post(p.app, CHECK, { phoneNumber: long }, token), {
      status: 400,
      code: 'INVALID_ARGUMENT',
    });
    expect(error.message).not.toContain('9999');
  });
});
