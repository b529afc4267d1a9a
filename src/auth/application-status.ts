import type { Context } from 'hono';
import type { Application } from '../admin/applications.js';
import type { Env } from '../http/env.js';
import { invalidToken } from './resource-guard.js';

/**
 * DESIGN §2 step 2: a token of a deleted or suspended application is no longer valid (RFC 6750
 * §3.1), with the same 401 as any other token failure. The registry is cached in process on the
 * hot path; a lost registry is a store outage (503), never a 401.
 */
export async function requireActiveApplication(c: Context<Env>): Promise<Application> {
  const deps = c.get('deps');
  const clientId = c.get('access').clientId;
  const app = await deps.applications.get(clientId);
  if (app === null || app.status !== 'active') {
    deps.metrics.applicationRefused(clientId, app?.status ?? 'removed', 'api');
    throw invalidToken();
  }
  return app;
}
