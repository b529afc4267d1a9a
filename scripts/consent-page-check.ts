/**
 * Manual browser check of the consent page (not part of `npm test`: it needs Chromium).
 *
 *   apt-get install -y chromium
 *   NODE_OPTIONS=--experimental-websocket npx tsx scripts/consent-page-check.ts
 *
 * Serves the platform on a free local port, creates a capture request, opens the subscriber's
 * link in headless Chromium at a phone's viewport (390×844), taps Approve through the DevTools
 * protocol (a real click: real cookie, real form post, real CSP), and checks that the consent was
 * recorded and that the browser reported no CSP violation or failed load. Screenshots go to
 * .tmp/consent-page.png and .tmp/consent-approved.png.
 */
import { serve } from '@hono/node-server';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../src/app.js';
import { buildDeps, seedSandbox } from '../src/bootstrap.js';
import { parseConfig } from '../src/config.js';
import { silentLogger } from '../src/log.js';
import { MemoryStore } from '../src/store/memory.js';
import { systemClock } from '../src/clock.js';
import { freePort } from './free-port.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
type Cdp = { send(method: string, params?: object): Promise<Record<string, unknown>>; events: string[] };

async function connect(url: string): Promise<Cdp> {
  const ws = new WebSocket(url);
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = reject;
  });
  let next = 0;
  const pending = new Map<number, (v: Record<string, unknown>) => void>();
  const events: string[] = [];
  ws.onmessage = (m) => {
    const msg = JSON.parse(String(m.data)) as {
      id?: number;
      result?: Record<string, unknown>;
      method?: string;
      params?: unknown;
    };
    if (msg.id !== undefined) pending.get(msg.id)?.(msg.result ?? {});
    else if (msg.method) events.push(`${msg.method} ${JSON.stringify(msg.params)}`);
  };
  return {
    events,
    send: (method, params = {}) =>
      new Promise((resolve) => {
        const id = ++next;
        pending.set(id, resolve);
        ws.send(JSON.stringify({ id, method, params }));
      }),
  };
}

async function main(): Promise<void> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const deps = await buildDeps(parseConfig({ PUBLIC_URL: base, PORT: String(port) }), {
    store: new MemoryStore(systemClock),
    logger: silentLogger,
  });
  await seedSandbox(deps);
  const server = serve({ fetch: createApp(deps).fetch, port, hostname: '127.0.0.1' });
  const query = {
    clientId: 'demo-app',
    purpose: 'dpv:CreditChecking',
    subscriber: '+34600000001',
    scopes: ['sim-swap:check', 'sim-swap:retrieve-date'],
  };
  const { captureUrl } = await deps.consent.requestConsent({ ...query, source: 'ciba', ttlSeconds: 600 });

  const profile = mkdtempSync(join(tmpdir(), 'consent-check-'));
  const browser = spawn(
    'chromium',
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      `--user-data-dir=${profile}`,
      '--remote-debugging-port=0',
      'about:blank',
    ],
    { detached: true },
  );
  let failures = 0;
  try {
    let active = '';
    for (let i = 0; i < 100 && active === ''; i++) {
      await sleep(100);
      try {
        active = readFileSync(join(profile, 'DevToolsActivePort'), 'utf8');
      } catch {
        // not yet written
      }
    }
    const [debugPort] = active.split('\n');
    const targets = (await (await fetch(`http://127.0.0.1:${debugPort}/json/list`)).json()) as {
      type: string;
      webSocketDebuggerUrl: string;
    }[];
    const page = targets.find((t) => t.type === 'page');
    if (!page) throw new Error('no page target');
    const cdp = await connect(page.webSocketDebuggerUrl);
    await cdp.send('Page.enable');
    await cdp.send('Log.enable');
    await cdp.send('Runtime.enable');
    await cdp.send('Emulation.setDeviceMetricsOverride', {
      width: 390,
      height: 844,
      deviceScaleFactor: 2,
      mobile: true,
    });
    const shot = async (file: string) => {
      const { data } = await cdp.send('Page.captureScreenshot', { format: 'png' });
      writeFileSync(file, Buffer.from(String(data), 'base64'));
    };
    mkdirSync('.tmp', { recursive: true });
    await cdp.send('Page.navigate', { url: captureUrl });
    await sleep(1500);
    await shot('.tmp/consent-page.png');
    const { root } = (await cdp.send('DOM.getDocument')) as { root: { nodeId: number } };
    const { nodeId } = (await cdp.send('DOM.querySelector', {
      nodeId: root.nodeId,
      selector: 'button.approve',
    })) as {
      nodeId: number;
    };
    const { model } = (await cdp.send('DOM.getBoxModel', { nodeId })) as { model: { content: number[] } };
    const [x1, y1, , , x2, y2] = model.content as [number, number, number, number, number, number];
    const at = { x: (x1 + x2) / 2, y: (y1 + y2) / 2, button: 'left', clickCount: 1 };
    await cdp.send('Input.dispatchMouseEvent', { type: 'mousePressed', ...at });
    await cdp.send('Input.dispatchMouseEvent', { type: 'mouseReleased', ...at });
    await sleep(1500);
    await shot('.tmp/consent-approved.png');
    const decision = await deps.consent.check(query);
    const problems = cdp.events.filter((e) => /Content Security Policy|Refused|net::ERR/i.test(e));
    console.log(`consent recorded: ${decision.allowed}`);
    console.log(`browser problems: ${problems.length === 0 ? 'none' : problems.join('\n')}`);
    console.log('screenshots: .tmp/consent-page.png .tmp/consent-approved.png');
    if (!decision.allowed || problems.length > 0) failures++;
  } finally {
    const exited = new Promise((resolve) => browser.once('exit', resolve));
    // Chromium's helper processes share its process group (detached above): end them all.
    if (browser.pid !== undefined) process.kill(-browser.pid, 'SIGTERM');
    await exited;
    await sleep(500);
    server.close();
    rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  }
  process.exit(failures === 0 ? 0 : 1);
}

void main();
