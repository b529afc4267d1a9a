import { describe, expect, it } from 'vitest';
import { createLogger, redactE164 } from '../../src/log.js';

describe('log redaction of E.164 values', () => {
  it('redacts numbers in messages, fields, tel: URIs and URL-encoded paths', () => {
    const lines: string[] = [];
    const log = createLogger('debug', (l) => lines.push(l));
    log.info('lookup +34600000001 failed', { hint: 'tel:+34600000002', path: '/x/%2B34600000003' });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toMatch(/3460000000[123]/);
    expect(lines[0]).toContain('[redacted-number]');
  });

  it('leaves timestamps, offsets and identifiers alone', () => {
    const text = '2026-01-15T12:00:00.000+01:00 id=b4333c46-49c0 count=+12 k1.AbC+';
    expect(redactE164(text)).toBe(text);
  });

  it('can be turned off, so tests prove the code never logs numbers in the first place', () => {
    const lines: string[] = [];
    createLogger('info', (l) => lines.push(l), { redact: false }).info('+34600000001');
    expect(lines[0]).toContain('+34600000001');
  });
});
