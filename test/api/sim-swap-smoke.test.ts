import { describe, expect, it } from 'vitest';
import { post, testPlatform } from '../support/app.js';

describe('platform smoke', () => {
  it('serves check with a 2-legged token', async () => {
    const { app, token } = await testPlatform();
    const res = await post(app, '/sim-swap/v2/check', { phoneNumber: '+34600000001' }, await token());
    expect(res.status).toBe(200);
    expect(res.headers.get('x-correlator')).toBe('b4333c46-49c0-4f62-80d7-f0ef930f1c46');
    expect(await res.json()).toEqual({ swapped: true });
  });
});
