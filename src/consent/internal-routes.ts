import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { ApiError } from '../errors.js';
import type { Env } from '../http/env.js';
import { jsonValue } from '../http/json-body.js';
import { PURPOSE_PATTERN } from './purposes.js';
import { ALL_APPLICATIONS } from './records.js';

const phoneNumber = z.string().regex(/^\+[1-9][0-9]{4,14}$/, 'must be an E.164 number with a leading +');
// ICM: exactly one purpose; a list or a space-separated pair is refused with this message.
const purpose = z.string().regex(PURPOSE_PATTERN, 'must be exactly one dpv: purpose');
const clientId = z.string().min(1).max(128);
const scopes = z.array(z.string().min(1).max(128)).min(1).max(32);

const schemas = {
  decision: z.strictObject({ phoneNumber, decision: z.enum(['grant', 'deny']) }),
  import: z.strictObject({
    phoneNumber,
    clientId,
    purpose,
    scopes,
    expiresAt: z.iso.datetime({ offset: true }).optional(),
  }),
  withdraw: z.strictObject({ phoneNumber, clientId, purpose }),
  optOut: z.strictObject({ phoneNumber, purpose, clientId: clientId.optional() }),
  list: z.strictObject({ phoneNumber, clientId }),
};

async function bodyOf<T extends z.ZodType>(c: Context<Env>, schema: T): Promise<z.output<T>> {
  const parsed = schema.safeParse(jsonValue(c));
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue?.path.map(String).join('.');
  throw new ApiError('INVALID_ARGUMENT', issue ? `${where ? `${where}: ` : ''}${issue.message}.` : undefined);
}

/**
 * The operator's consent API (authenticated by requireOperator, mounted only when keys are
 * configured): its own channel relays subscribers' answers, imports consents captured elsewhere,
 * and records withdrawals and opt-outs. Numbers travel in bodies only, never in URLs.
 */
export function internalConsentRoutes(): Hono<Env> {
  const router = new Hono<Env>();

  router.post('/internal/consent-requests/:id/decision', async (c) => {
    const body = await bodyOf(c, schemas.decision);
    const request = await c
      .get('deps')
      .consentManager.decideByOperator(c.req.param('id'), body.phoneNumber, body.decision);
    const { subscriber: _s, ...view } = request;
    return c.json(view, 200);
  });

  router.post('/internal/consents', async (c) => {
    const body = await bodyOf(c, schemas.import);
    const deps = c.get('deps');
    const expiresAt = body.expiresAt === undefined ? undefined : Date.parse(body.expiresAt);
    if (expiresAt !== undefined && expiresAt <= deps.clock.now())
      throw new ApiError('INVALID_ARGUMENT', 'expiresAt: must be in the future.');
    const view = await deps.consentManager.importConsent({
      subscriber: body.phoneNumber,
      clientId: body.clientId,
      purpose: body.purpose,
      scopes: body.scopes,
      expiresAt,
    });
    return c.json(view, 201);
  });

  router.post('/internal/consents/withdraw', async (c) => {
    const body = await bodyOf(c, schemas.withdraw);
    const query = { subscriber: body.phoneNumber, clientId: body.clientId, purpose: body.purpose };
    return c.json(await c.get('deps').consentManager.withdraw(query, 'operator'), 200);
  });

  router.post('/internal/consents/list', async (c) => {
    const body = await bodyOf(c, schemas.list);
    return c.json(
      { consents: await c.get('deps').consentManager.list(body.phoneNumber, body.clientId) },
      200,
    );
  });

  router.post('/internal/opt-outs', async (c) => {
    const body = await bodyOf(c, schemas.optOut);
    const query = {
      subscriber: body.phoneNumber,
      clientId: body.clientId ?? ALL_APPLICATIONS,
      purpose: body.purpose,
    };
    return c.json(await c.get('deps').consentManager.optOut(query, 'operator'), 201);
  });

  router.post('/internal/opt-outs/remove', async (c) => {
    const body = await bodyOf(c, schemas.optOut);
    const query = {
      subscriber: body.phoneNumber,
      clientId: body.clientId ?? ALL_APPLICATIONS,
      purpose: body.purpose,
    };
    const removed = await c.get('deps').consentManager.removeOptOut(query);
    if (!removed) throw new ApiError('NOT_FOUND', 'There is no opt-out to remove.');
    return c.body(null, 204);
  });

  return router;
}
