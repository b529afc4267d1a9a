import { Hono } from 'hono';
import type { Env } from '../http/env.js';
import { SandboxOutbox } from './notifier.js';

/**
 * GET /sandbox/consent-notifications (sandbox network only): the consent links the sandbox
 * channel "sent", still pending, newest first, optionally for one `clientId` or `requestId`.
 * It stands in for the subscriber's phone; it never shows a phone number.
 */
export function sandboxConsentRoutes(): Hono<Env> {
  const router = new Hono<Env>();
  router.get('/sandbox/consent-notifications', async (c) => {
    const deps = c.get('deps');
    const outbox = deps.consentNotifier;
    if (!(outbox instanceof SandboxOutbox)) return c.json({ notifications: [] }, 200);
    const listed = outbox.list({ clientId: c.req.query('clientId'), requestId: c.req.query('requestId') });
    const statuses = await Promise.all(listed.map((n) => deps.consent.getRequest(n.requestId)));
    const notifications = listed.filter((_, i) => statuses[i]?.status === 'pending');
    return c.json({ notifications }, 200);
  });
  return router;
}
