import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import type { OutageWatch, StoreUnavailableError } from './port.js';

/** At most one summary line per this long while the store stays unavailable. */
export const OUTAGE_SUMMARY_EVERY_MS = 10_000;

/** The refused call that opened an outage: what lets on-call find it among the responses. */
export type RefusedCall = { correlator: string; method: string; path: string };

/**
 * A store outage in the log as an operator reads it: one error line when it begins (the first
 * error and the correlator of the first refused call), at most one warn line per 10 s while it
 * lasts (the calls refused since the last line), one info line when it ends (how long, how many
 * refused). Under load an outage refuses hundreds of calls a second; one line each would bury
 * the log and cost the process more than the refusals themselves.
 *
 * One per process or Worker isolate (src/bootstrap.ts). The engine reads `active` on every
 * command and calls `ended()` on its first success after an outage (Store.watch): while the
 * store is up that boolean is the whole cost, no clock read and no timer.
 */
export class StoreOutageLog implements OutageWatch {
  #active = false;
  private startedAt = 0;
  private lastLineAt = 0;
  /** Refused calls since the last line, and since the outage began. */
  private sinceLine = 0;
  private total = 0;

  constructor(
    private readonly logger: Logger,
    private readonly clock: Clock,
    private readonly summaryEveryMs: number = OUTAGE_SUMMARY_EVERY_MS,
  ) {}

  get active(): boolean {
    return this.#active;
  }

  /** A call answered 503 because the store could not be reached. */
  refused(error: StoreUnavailableError, call: RefusedCall): void {
    const now = this.clock.now();
    this.total++;
    if (!this.#active) {
      this.#active = true;
      this.startedAt = this.lastLineAt = now;
      this.sinceLine = 0;
      this.total = 1;
      this.logger.error('store unavailable', { ...call, error: describe(error) });
      return;
    }
    this.sinceLine++;
    if (now - this.lastLineAt < this.summaryEveryMs) return;
    this.logger.warn('store still unavailable', { refused: this.sinceLine, downMs: now - this.startedAt });
    this.lastLineAt = now;
    this.sinceLine = 0;
  }

  /** The store answered again: the outage is over. */
  ended(): void {
    if (!this.#active) return;
    this.#active = false;
    this.logger.info('store available again', {
      downMs: this.clock.now() - this.startedAt,
      refused: this.total,
    });
  }
}

/** The driver's reason (`connect ECONNREFUSED …`, `Command timed out`): StoreUnavailableError wraps it. */
function describe(error: StoreUnavailableError): string {
  const cause = error.cause;
  if (cause instanceof Error) return `${error.message}: ${cause.message}`;
  return cause === undefined ? error.message : `${error.message}: ${String(cause)}`;
}
