import { serve, type ServerType } from '@hono/node-server';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/free-port.js';
import { testPlatform, type TestPlatform } from '../support/app.js';
import { OPERATOR_ENV } from '../support/consent.js';
import { chromiumPath, CHROMIUM_ARGS } from '../support/chromium.js';

/**
 * The consent page in a real browser (Debian's Chromium, driven by playwright-core), at a phone's
 * viewport: the subscriber taps a button, the browser sends the real form with its real cookie
 * under the page's real Content-Security-Policy, and the decision lands in the consent store.
 * The page has no script; it is checked with JavaScript off as well.
 */

const CREDIT = 'dpv:CreditChecking';
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

let p: TestPlatform;
let server: ServerType;
let browser: Browser;

beforeAll(async () => {
  const port = await freePort();
  p = await testPlatform({ env: { ...OPERATOR_ENV, PUBLIC_URL: `http://127.0.0.1:${port}` } });
  server = serve({ fetch: p.app.fetch, port, hostname: '127.0.0.1' });
  browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

/** A fresh subscriber of the sandbox range each time, so that every test's consent is its own. */
let next = 10;
const subscriber = () => `+346000000${String(next++).padStart(2, '0')}`;

async function captureFor(number: string): Promise<string> {
  const { captureUrl } = await p.deps.consent.requestConsent({
    clientId: 'demo-app',
    purpose: CREDIT,
    subscriber: number,
    scopes: ['sim-swap:check', 'sim-swap:retrieve-date'],
    source: 'ciba',
    ttlSeconds: 300,
  });
  return captureUrl;
}

const allowed = async (number: string) =>
  (
    await p.deps.consent.check({
      clientId: 'demo-app',
      purpose: CREDIT,
      subscriber: number,
      scopes: ['sim-swap:check'],
    })
  ).allowed;

/** Waits for the page the form post led to: its heading, exactly. */
const heading = (page: Page, text: string) =>
  page.getByRole('heading', { name: text, exact: true }).waitFor({ timeout: 10_000 });

/** What the browser itself reported: console errors (CSP refusals among them), page errors, failed loads. */
function watch(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`failed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
  return problems;
}

describe.each([
  ['JavaScript on', true],
  ['JavaScript off', false],
])('consent page in Chromium at a phone viewport (%s)', (_, javaScriptEnabled) => {
  let context: BrowserContext;
  beforeAll(async () => {
    context = await browser.newContext({ ...PHONE, javaScriptEnabled });
  });
  afterAll(async () => context?.close());

  it('shows who asks and why, and Approve records the consent', async () => {
    const number = subscriber();
    const page = await context.newPage();
    const problems = watch(page);
    const opened = await page.goto(await captureFor(number));
    expect(opened?.status()).toBe(200);
    await expect(page.locator('h1').textContent()).resolves.toContain(
      'asks to use information about your mobile line',
    );
    // Laid out for the phone: nothing wider than the viewport, the buttons big enough to tap.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const approve = page.getByRole('button', { name: 'Approve' });
    const box = await approve.boundingBox();
    expect(box?.height).toBeGreaterThanOrEqual(44);
    expect(await allowed(number)).toBe(false);

    await approve.tap();
    await heading(page, 'Consent given');
    expect(await allowed(number)).toBe(true);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('Deny records nothing, and the link cannot be answered twice', async () => {
    const number = subscriber();
    const url = await captureFor(number);
    const page = await context.newPage();
    const problems = watch(page);
    await page.goto(url);
    await page.getByRole('button', { name: 'Deny' }).tap();
    await heading(page, 'Request denied');
    expect(await allowed(number)).toBe(false);

    const again = await page.goto(url);
    expect(again?.status()).toBe(409);
    await expect(page.locator('h1').textContent()).resolves.toBe('Already answered');
    expect(problems.filter((problem) => !problem.includes('409'))).toEqual([]);
    await page.close();
  });
});
