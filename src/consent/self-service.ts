import { Hono } from 'hono';
import { isThreeLegged } from '../auth/access-context.js';
import { AMR } from '../auth/amr.js';
import { ApiError } from '../errors.js';
import type { Env } from '../http/env.js';

/**
 * Subscriber self-service, with a 3-legged token (the subscriber is the token's subject):
 * GET /consents lists their consents and opt-outs with the token's application; DELETE
 * /consents/{purpose} withdraws a consent, or objects to a legitimate-interest purpose. Scoped to
 * the token's application, so no application learns about the subscriber's other relationships.
 * With a token for a number the application only named (amr `client_asserted`), the withdrawal is
 * recorded as the application's, and it cannot object in the subscriber's name (404).
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
    // A number the application only named (no network authentication): the subscriber took no
    // part, so the withdrawal is the application's, and recorded as such.
    const by = access.amr.includes(AMR.clientAsserted) ? 'application' : 'subscriber';
    return c.json(await c.get('deps').consentManager.withdraw(query, by), 200);
  });

  return router;
}
