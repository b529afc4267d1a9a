import { basicAuthorization } from '../credentials.js';

/** The applications bench/resilience/register.ts registers, and what their calls ask. */
export const FAULT_CLIENTS = { served: 'fault-served', overQuota: 'fault-over-quota' } as const;
export const PURPOSE = 'dpv:FraudPreventionAndDetection';
/** A sandbox subscriber (SIM swapped 2 hours ago): served calls answer `{"swapped":true}`. */
export const SERVED_NUMBER = '+34600000001';
/** A sandbox subscriber who objected to the purpose for the served application. */
export const OPTED_OUT_NUMBER = '+34600000002';
export const CHECK_PATH = '/sim-swap/v2/check';

/** One kind of call in the load, and the status it must get whenever Redis answers. */
export type StreamSpec = {
  name: string;
  headers: Record<string, string>;
  body: string;
  /** The status a healthy platform gives this call (200 served, 403 or 429 refused). */
  expected: number;
};

async function token(base: string, clientId: string, secret: string): Promise<string> {
  const res = await fetch(`${base}/oauth2/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: basicAuthorization(clientId, secret),
    },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      scope: `${PURPOSE} sim-swap:check`,
    }).toString(),
  });
  const body = (await res.json()) as { access_token?: string };
  if (res.status !== 200 || typeof body.access_token !== 'string') {
    throw new Error(`token endpoint answered ${res.status}: ${JSON.stringify(body)}`);
  }
  return body.access_token;
}

const check = (bearer: string, phoneNumber: string) => ({
  headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
  body: JSON.stringify({ phoneNumber, maxAge: 240 }),
});

/**
 * The three streams, with tokens from the platform's token endpoint (the over-quota application's
 * quota is spent at registration, register.ts); each stream is checked once against its expected
 * answer.
 */
export async function prepareStreams(base: string, secret: string): Promise<StreamSpec[]> {
  const served = await token(base, FAULT_CLIENTS.served, secret);
  const limited = await token(base, FAULT_CLIENTS.overQuota, secret);
  const streams: StreamSpec[] = [
    { name: 'served', expected: 200, ...check(served, SERVED_NUMBER) },
    { name: 'opted-out', expected: 403, ...check(served, OPTED_OUT_NUMBER) },
    { name: 'over-quota', expected: 429, ...check(limited, SERVED_NUMBER) },
  ];
  for (const stream of streams) {
    const status = await call(base, stream);
    if (status !== stream.expected) {
      throw new Error(`${stream.name}: expected ${stream.expected} before the load, got ${status}`);
    }
  }
  return streams;
}

async function call(base: string, stream: StreamSpec): Promise<number> {
  const res = await fetch(`${base}${CHECK_PATH}`, {
    method: 'POST',
    headers: stream.headers,
    body: stream.body,
  });
  await res.arrayBuffer();
  return res.status;
}
