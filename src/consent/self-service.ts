import { Hono } from 'hono';
import { isThreeLegged } from '../auth/access-context.js';
import { ApiError } from '../errors.js';
import type { Env } from '../http/env.js';

/**
 * Subscriber self-service, with a 3-legged token (the subscriber is the token's subject):
 * GET /consents lists their consents and opt-outs with the token's application; DELETE
 * /consents/{purpose} withdraws a consent, or objects to a legitimate-interest purpose. Scoped to
 * the token's application, so no application learns about the subscriber's other relationships.
 * Effect is immediate: the next resource call, refresh or CIBA poll is refused.
 */
export function selfServiceRoutes(): Hono<Env> {
  const router = new Hono<Env>();

  const subjectOf = (access: Parameters<typeof isThreeLegged>[0]) => {
    if (!isThreeLegged(access)) throw new ApiError('PERMISSION_DENIED');
    return access.subscriber as string;
  };

  router.get('/consents', async (c) => {
    const access = c.get('access');
    const subscriber = subjectOf(access);
    return c.json({ consents: await c.get('deps').consentManager.list(subscriber, access.clientId) }, 200);
  });

  router.delete('/consents/:purpose', async (c) => {
    const access = c.get('access');
    const subscriber = subjectOf(access);
    const query = { subscriber, clientId: access.clientId, purpose: c.req.param('purpose') };
    return c.json(await c.get('deps').consentManager.withdraw(query, 'subscriber'), 200);
  });

  return router;
}
