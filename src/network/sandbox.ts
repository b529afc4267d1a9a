import type { Clock } from '../clock.js';
import type {
  DeviceAddress,
  KycRecord,
  LineType,
  LookupOptions,
  NetworkBackend,
  Subscriber,
} from './port.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** One seeded subscriber; times are relative to "now" so the demo data never goes stale. */
export type SandboxSubscriber = {
  phoneNumber: string;
  description: string;
  lineType: LineType;
  excludedApis?: string[];
  /** Days since the number was first associated with a SIM; null: never associated. */
  activatedDaysAgo: number | null;
  /** Hours since each SIM change. */
  simChangesHoursAgo?: number[];
  kyc?: KycRecord;
  /** Addresses of the subscriber's device on the network ("ip" or "ip:port", IPv6 in brackets). */
  devices?: string[];
  /** TS.43 temporary tokens the sandbox Entitlement Server accepts for this subscriber. */
  operatorTokens?: string[];
};

export type SandboxData = { subscribers: SandboxSubscriber[] };

/** "ip", "ip:port", "[v6]" or "[v6]:port" → its parts. */
export function parseAddress(text: string): DeviceAddress | null {
  const v6 = /^\[([0-9A-Fa-f:.]+)\](?::(\d{1,5}))?$/.exec(text);
  if (v6)
    return { ip: (v6[1] as string).toLowerCase(), port: v6[2] === undefined ? undefined : Number(v6[2]) };
  const v4 = /^(\d{1,3}(?:\.\d{1,3}){3})(?::(\d{1,5}))?$/.exec(text);
  if (v4) return { ip: v4[1] as string, port: v4[2] === undefined ? undefined : Number(v4[2]) };
  return null;
}

/** The sandbox adapter: deterministic test subscribers, documented in docs/sandbox.md. */
export class SandboxNetwork implements NetworkBackend {
  private readonly byNumber: Map<string, SandboxSubscriber>;

  constructor(
    data: SandboxData,
    private readonly clock: Clock,
  ) {
    this.byNumber = new Map(data.subscribers.map((s) => [s.phoneNumber, s]));
  }

  async resolveDevice(address: DeviceAddress): Promise<string | null> {
    for (const seed of this.byNumber.values()) {
      for (const device of seed.devices ?? []) {
        const known = parseAddress(device);
        // A device registered without a port matches any port of its IP; with a port, only that port.
        if (
          known &&
          known.ip === address.ip.toLowerCase() &&
          (known.port === undefined || known.port === address.port)
        ) {
          return seed.phoneNumber;
        }
      }
    }
    return null;
  }

  async validateOperatorToken(token: string): Promise<string | null> {
    for (const seed of this.byNumber.values())
      if (seed.operatorTokens?.includes(token)) return seed.phoneNumber;
    return null;
  }

  async findSubscriber(phoneNumber: string, options: LookupOptions = {}): Promise<Subscriber | null> {
    const seed = this.byNumber.get(phoneNumber);
    if (seed === undefined) return null;
    const now = this.clock.now();
    return {
      phoneNumber: seed.phoneNumber,
      lineType: seed.lineType,
      excludedApis: seed.excludedApis ?? [],
      activatedAt: seed.activatedDaysAgo === null ? null : now - seed.activatedDaysAgo * DAY,
      simChanges: (seed.simChangesHoursAgo ?? []).map((h) => now - h * HOUR).sort((a, b) => a - b),
      kyc: options.kyc ? seed.kyc : undefined,
    };
  }
}
