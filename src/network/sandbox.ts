import type { Clock } from '../clock.js';
import type { KycRecord, LineType, NetworkBackend, Subscriber } from './port.js';

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
};

export type SandboxData = { subscribers: SandboxSubscriber[] };

/** The sandbox adapter: deterministic test subscribers, documented in docs/sandbox.md. */
export class SandboxNetwork implements NetworkBackend {
  private readonly byNumber: Map<string, SandboxSubscriber>;

  constructor(
    data: SandboxData,
    private readonly clock: Clock,
  ) {
    this.byNumber = new Map(data.subscribers.map((s) => [s.phoneNumber, s]));
  }

  async findSubscriber(phoneNumber: string): Promise<Subscriber | null> {
    const seed = this.byNumber.get(phoneNumber);
    if (seed === undefined) return null;
    const now = this.clock.now();
    return {
      phoneNumber: seed.phoneNumber,
      lineType: seed.lineType,
      excludedApis: seed.excludedApis ?? [],
      activatedAt: seed.activatedDaysAgo === null ? null : now - seed.activatedDaysAgo * DAY,
      simChanges: (seed.simChangesHoursAgo ?? []).map((h) => now - h * HOUR).sort((a, b) => a - b),
      kyc: seed.kyc,
    };
  }
}
