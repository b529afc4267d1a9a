import { ManualClock } from '../../src/clock.js';

/**
 * Real time plus what the test advanced: client libraries compare token times with their own
 * clock, and the server must still move forward on demand (CIBA polling intervals, expiry).
 */
export class RunningClock extends ManualClock {
  private offset = 0;
  override now(): number {
    return Date.now() + this.offset;
  }
  override advance(ms: number): void {
    this.offset += ms;
  }
}
