import { z } from 'zod';
import { ApiError } from '../errors.js';
import { readStreamLimited } from '../http/read-stream.js';
import type { Logger } from '../log.js';
import {
  KYC_ATTRIBUTES,
  type DeviceAddress,
  type KycRecord,
  type LookupOptions,
  type NetworkBackend,
  type Subscriber,
} from './port.js';

/**
 * The operator BSS adapter: the NetworkBackend port over HTTP (docs/operator-bss-contract.md).
 * Every failure of the upstream (unreachable, 5xx, an unexpected status, a malformed or
 * oversized answer) is 502 BAD_GATEWAY and a timeout is 504 TIMEOUT; the reason goes to the log,
 * never to the API consumer. Subscriber numbers travel in request bodies only, never in URLs.
 */

export type HttpNetworkOptions = {
  /** Base URL of the BSS endpoints, without a trailing slash. */
  url: string;
  /** Bearer credential the BSS expects from this platform. */
  token: string;
  timeoutMs: number;
  logger: Logger;
  fetch?: typeof fetch;
  /** The abort signal of one upstream call; injected by tests to trigger a timeout without waiting. */
  timeoutSignal?: (ms: number) => AbortSignal;
  /** Largest answer accepted, in bytes. */
  maxResponseBytes?: number;
};

const E164 = z.string().regex(/^\+[1-9][0-9]{4,14}$/);
const instant = z.iso.datetime({ offset: true }).transform((v) => Date.parse(v));

// Tolerant reader: attributes this platform does not know are ignored; null means absent.
const KycAnswer = z
  .object(Object.fromEntries(KYC_ATTRIBUTES.map((k) => [k, z.string().nullish()])))
  .transform(
    (kyc) => Object.fromEntries(Object.entries(kyc).filter(([, v]) => typeof v === 'string')) as KycRecord,
  );

const SubscriberAnswer = z.object({
  subscriber: z.object({
    phoneNumber: E164,
    lineType: z.enum(['consumer', 'business', 'iot']),
    excludedApis: z.array(z.string()).default([]),
    activatedAt: instant.nullable(),
    simChanges: z.array(instant).default([]),
    kyc: KycAnswer.nullish(),
  }),
});

const NumberAnswer = z.object({ phoneNumber: E164 });

/** An answer that breaks the contract; the reason goes to the log only. */
class UpstreamError extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

export class HttpNetwork implements NetworkBackend {
  private readonly fetch: typeof fetch;
  private readonly timeoutSignal: (ms: number) => AbortSignal;
  private readonly maxBytes: number;

  constructor(private readonly o: HttpNetworkOptions) {
    this.fetch = o.fetch ?? ((input, init) => fetch(input, init));
    this.timeoutSignal = o.timeoutSignal ?? ((ms) => AbortSignal.timeout(ms));
    this.maxBytes = o.maxResponseBytes ?? 65_536;
  }

  async findSubscriber(phoneNumber: string, options: LookupOptions = {}): Promise<Subscriber | null> {
    const body = { phoneNumber, include: options.kyc ? ['kyc'] : [] };
    const answer = await this.call('subscribers/lookup', body, SubscriberAnswer);
    if (answer === null) return null;
    const s = answer.subscriber;
    if (s.phoneNumber !== phoneNumber) throw this.fail('subscribers/lookup', 'answer for another number');
    return {
      phoneNumber: s.phoneNumber,
      lineType: s.lineType,
      excludedApis: s.excludedApis,
      activatedAt: s.activatedAt,
      simChanges: [...s.simChanges].sort((a, b) => a - b),
      kyc: options.kyc ? (s.kyc ?? undefined) : undefined,
    };
  }

  async resolveDevice(address: DeviceAddress): Promise<string | null> {
    const body = address.port === undefined ? { ip: address.ip } : { ip: address.ip, port: address.port };
    return (await this.call('devices/resolve', body, NumberAnswer))?.phoneNumber ?? null;
  }

  async validateOperatorToken(token: string): Promise<string | null> {
    return (
      (await this.call('operator-tokens/validate', { operatorToken: token }, NumberAnswer))?.phoneNumber ??
      null
    );
  }

  /** One POST; null on 404 (the BSS does not know the subject), the parsed answer on 200. */
  private async call<T extends z.ZodType>(
    operation: string,
    body: unknown,
    schema: T,
  ): Promise<z.output<T> | null> {
    const signal = this.timeoutSignal(this.o.timeoutMs);
    let text: string;
    try {
      const res = await this.fetch(`${this.o.url}/${operation}`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${this.o.token}`,
          'content-type': 'application/json',
          accept: 'application/json',
        },
        body: JSON.stringify(body),
        // Never followed: a redirect is an unexpected status (and 'manual' is what workerd supports).
        redirect: 'manual',
        signal,
      });
      const status = res.status;
      if (status === 404) {
        await res.body?.cancel().catch(() => {});
        return null;
      }
      if (status !== 200) {
        await res.body?.cancel().catch(() => {});
        throw new UpstreamError(`status ${status}`);
      }
      if (!/^application\/json\b/i.test(res.headers.get('content-type') ?? '')) {
        await res.body?.cancel().catch(() => {});
        throw new UpstreamError('answer is not application/json');
      }
      text = await readLimited(res, this.maxBytes);
    } catch (error) {
      if (error instanceof UpstreamError) throw this.fail(operation, error.reason);
      if (signal.aborted) throw this.fail(operation, 'timeout', true);
      throw this.fail(operation, error instanceof Error ? `${error.name}: ${error.message}` : 'fetch failed');
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw this.fail(operation, 'malformed JSON');
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw this.fail(operation, 'answer does not follow the contract');
    return parsed.data;
  }

  private fail(operation: string, reason: string, timeout = false): ApiError {
    // The log names the operation and the reason only: no subscriber data, no upstream body.
    this.o.logger.error('network backend call failed', { backend: 'http', operation, reason });
    return new ApiError(timeout ? 'TIMEOUT' : 'BAD_GATEWAY');
  }
}

async function readLimited(res: Response, maxBytes: number): Promise<string> {
  const declared = Number(res.headers.get('content-length') ?? '0');
  if (declared > maxBytes) {
    await res.body?.cancel().catch(() => {});
    throw new UpstreamError('answer too large');
  }
  const bytes = await readStreamLimited(res.body, maxBytes, () => new UpstreamError('answer too large'));
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new UpstreamError('answer is not UTF-8');
  }
}
