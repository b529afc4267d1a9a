import { beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { StoreOutageLog } from '../../src/store/outage-log.js';
import { StoreUnavailableError } from '../../src/store/port.js';
import { capturingLogger, type LogLine } from '../support/log-lines.js';

const refusal = (n: number) => ({ correlator: `call-${n}`, method: 'POST', path: '/sim-swap/v2/check' });
const refused = (cause: string) => new StoreUnavailableError(new Error(cause));

/** Every line without its time: what the operator reads. */
const untimed = (lines: LogLine[]) => lines.map(({ time: _time, ...rest }) => rest);

describe('store outage log: one line when it begins, a summary while it lasts, one when it ends', () => {
  let clock: ManualClock;
  let lines: LogLine[];
  let outage: StoreOutageLog;

  beforeEach(() => {
    clock = new ManualClock();
    const captured = capturingLogger();
    lines = captured.lines;
    outage = new StoreOutageLog(captured.logger, clock);
  });

  it('logs the first refused call once, at error, with its error and correlator', () => {
    expect(outage.active).toBe(false);
    outage.refused(refused('connect ECONNREFUSED 127.0.0.1:6379'), refusal(1));
    expect(outage.active).toBe(true);
    expect(untimed(lines)).toEqual([
      {
        level: 'error',
        msg: 'store unavailable',
        correlator: 'call-1',
        method: 'POST',
        path: '/sim-swap/v2/check',
        error: 'store unavailable: connect ECONNREFUSED 127.0.0.1:6379',
      },
    ]);
  });

  it('writes nothing more for 500 refusals within 10 s', () => {
    outage.refused(refused('connect ECONNREFUSED 127.0.0.1:6379'), refusal(0));
    for (let i = 1; i <= 500; i++) {
      outage.refused(refused('Connection is closed.'), refusal(i));
      if (i % 50 === 0) clock.advance(999); // 9.99 s in all
    }
    expect(lines.map((l) => l.msg)).toEqual(['store unavailable']);
  });

  it('summarises at most once per 10 s, with the calls refused since the last line', () => {
    outage.refused(refused('Command timed out'), refusal(0));
    for (let i = 1; i <= 500; i++) outage.refused(refused('Command timed out'), refusal(i));
    clock.advance(10_000);
    outage.refused(refused('Command timed out'), refusal(501)); // the 501st since the error line
    for (let i = 502; i <= 600; i++) outage.refused(refused('Command timed out'), refusal(i));
    clock.advance(9_999);
    outage.refused(refused('Command timed out'), refusal(601)); // within 10 s of the summary
    clock.advance(1);
    outage.refused(refused('Command timed out'), refusal(602));
    expect(untimed(lines)).toEqual([
      expect.objectContaining({ level: 'error', msg: 'store unavailable', correlator: 'call-0' }),
      { level: 'warn', msg: 'store still unavailable', refused: 501, downMs: 10_000 },
      { level: 'warn', msg: 'store still unavailable', refused: 101, downMs: 20_000 },
    ]);
  });

  it('logs the end once, at info, with how long it lasted and the calls refused in all', () => {
    outage.ended(); // no outage: nothing to say
    expect(lines).toEqual([]);
    outage.refused(refused('connect ECONNREFUSED 127.0.0.1:6379'), refusal(0));
    for (let i = 1; i < 500; i++) outage.refused(refused('Connection is closed.'), refusal(i));
    clock.advance(12_345);
    outage.refused(refused('Connection is closed.'), refusal(500));
    outage.ended();
    outage.ended(); // the next successes say nothing
    expect(outage.active).toBe(false);
    expect(untimed(lines).slice(1)).toEqual([
      { level: 'warn', msg: 'store still unavailable', refused: 500, downMs: 12_345 },
      { level: 'info', msg: 'store available again', downMs: 12_345, refused: 501 },
    ]);
  });

  it('opens a new outage with a new error line, counted afresh', () => {
    outage.refused(refused('connect ECONNREFUSED 127.0.0.1:6379'), refusal(1));
    outage.refused(refused('connect ECONNREFUSED 127.0.0.1:6379'), refusal(2));
    clock.advance(3_000);
    outage.ended();
    clock.advance(60_000);
    outage.refused(refused('Command timed out'), refusal(3));
    clock.advance(500);
    outage.ended();
    expect(untimed(lines)).toEqual([
      expect.objectContaining({ level: 'error', msg: 'store unavailable', correlator: 'call-1' }),
      { level: 'info', msg: 'store available again', downMs: 3_000, refused: 2 },
      {
        level: 'error',
        msg: 'store unavailable',
        correlator: 'call-3',
        method: 'POST',
        path: '/sim-swap/v2/check',
        error: 'store unavailable: Command timed out',
      },
      { level: 'info', msg: 'store available again', downMs: 500, refused: 1 },
    ]);
  });
});
