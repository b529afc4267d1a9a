import type { Context } from 'hono';
import { ApiError } from '../../errors.js';
import type { Env } from '../../http/env.js';
import {
  applicationFor,
  createApplication,
  deleteApplication,
  listApplications,
  setApplicationStatus,
  updateApplication,
  type ApplicationInput,
  type ScopeCatalogue,
} from './applications-service.js';
import { issueSecret, revokeCredential } from './credentials.js';
import type { AdminHandlers } from './handlers.js';
import { registerKey } from './key-credentials.js';
import { partnerFor } from './partners-service.js';
import { can } from './roles.js';
import {
  AGREEMENT_FIELDS,
  ApplicationCreate,
  ApplicationPatch,
  KeyCreate,
  ListQuery,
  SecretCreate,
} from './schemas.js';
import { bodyOf, param, queryOf } from './validate.js';
import { applicationView, credentialsView, credentialView, msOf } from './views.js';

/** The application of the path, within the caller's reach (404 otherwise: BOLA). */
const target = (c: Context<Env>) =>
  applicationFor(c.get('deps'), c.get('admin'), param(c, 'partnerId'), param(c, 'clientId'));

/**
 * An application body as the service takes it. The commercial agreement (plan, 2-legged APIs) is
 * operator-admin's to set: anyone else naming one of its fields is refused, not silently ignored.
 */
async function applicationInput(c: Context<Env>, schema: typeof ApplicationCreate | typeof ApplicationPatch) {
  const body = await bodyOf(c, schema);
  if (!can(c.get('admin').role, 'agreement:write')) {
    const reserved = AGREEMENT_FIELDS.filter((f) => body[f] !== undefined);
    if (reserved.length > 0)
      throw new ApiError('PERMISSION_DENIED', `Only operator-admin sets ${reserved.join(', ')}.`);
  }
  const { validFrom, validUntil, ...rest } = body;
  const input: ApplicationInput = { ...rest } as ApplicationInput;
  if (validFrom !== undefined) input.validFrom = msOf(validFrom);
  if (validUntil !== undefined) input.validUntil = msOf(validUntil);
  return input;
}

/** Applications under a partner, their suspension, their client secrets and keys. */
export function applicationHandlers(catalogue: ScopeCatalogue): AdminHandlers {
  return {
    createApplication: [
      'applications:write',
      async (c) => {
        const deps = c.get('deps');
        const partner = await partnerFor(deps, c.get('admin'), param(c, 'partnerId'));
        const input = await applicationInput(c, ApplicationCreate);
        return c.json(applicationView(await createApplication(deps, catalogue, partner, input)), 201);
      },
    ],
    listApplications: [
      'applications:read',
      async (c) => {
        const deps = c.get('deps');
        const partner = await partnerFor(deps, c.get('admin'), param(c, 'partnerId'));
        const page = await listApplications(deps, partner.partnerId, queryOf(c, ListQuery));
        return c.json({ ...page, items: page.items.map(applicationView) });
      },
    ],
    getApplication: ['applications:read', async (c) => c.json(applicationView(await target(c)))],
    patchApplication: [
      'applications:write',
      async (c) => {
        const app = await target(c);
        const patch = await applicationInput(c, ApplicationPatch);
        return c.json(applicationView(await updateApplication(c.get('deps'), catalogue, app, patch)));
      },
    ],
    deleteApplication: [
      'applications:write',
      async (c) => {
        await deleteApplication(c.get('deps'), await target(c));
        return c.body(null, 204);
      },
    ],
    suspendApplication: [
      'applications:write',
      async (c) => {
        const app = await target(c);
        c.get('deps').logger.warn('application suspended', {
          clientId: app.clientId,
          by: c.get('admin').subject,
        });
        return c.json(applicationView(await setApplicationStatus(c.get('deps'), app, 'suspended')));
      },
    ],
    resumeApplication: [
      'applications:write',
      async (c) => {
        const app = await target(c);
        c.get('deps').logger.info('application resumed', {
          clientId: app.clientId,
          by: c.get('admin').subject,
        });
        return c.json(applicationView(await setApplicationStatus(c.get('deps'), app, 'active')));
      },
    ],
    listSecrets: ['applications:read', async (c) => c.json({ items: credentialsView(await target(c)) })],
    createSecret: [
      'credentials:write',
      async (c) => {
        const app = await target(c);
        const options = await bodyOf(c, SecretCreate);
        const { credential, secret } = await issueSecret(c.get('deps'), app, options);
        // Shown once: no cache anywhere may keep it (RFC 9111 §5.2.2.5).
        c.header('Cache-Control', 'no-store');
        const body = {
          credentialId: credential.id,
          clientId: app.clientId,
          clientSecret: secret,
          createdAt: new Date(credential.createdAt).toISOString(),
          expiresAt: new Date(credential.expiresAt).toISOString(),
        };
        return c.json(body, 201);
      },
    ],
    revokeSecret: [
      'credentials:write',
      async (c) => {
        await revokeCredential(c.get('deps'), await target(c), param(c, 'credentialId'), 'client_secret');
        return c.body(null, 204);
      },
    ],
    createKey: [
      'credentials:write',
      async (c) => {
        const app = await target(c);
        const { credential } = await registerKey(c.get('deps'), app, await bodyOf(c, KeyCreate));
        return c.json(credentialView(credential), 201);
      },
    ],
    revokeKey: [
      'credentials:write',
      async (c) => {
        await revokeCredential(c.get('deps'), await target(c), param(c, 'credentialId'), 'key');
        return c.body(null, 204);
      },
    ],
  };
}
