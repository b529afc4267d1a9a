import applicationsJson from '../sandbox/applications.json' with { type: 'json' };
import subscribersJson from '../sandbox/subscribers.json' with { type: 'json' };
import type { Application } from './admin/applications.js';
import type { Config } from './config.js';
import type { Deps } from './deps.js';
import { createApplication, type ScopeCatalogue } from './admin/v1/applications-service.js';
import { issueSecret } from './admin/v1/credentials.js';
import { createPartner } from './admin/v1/partners-service.js';
import { planOf } from './admin/v1/plans.js';
import type { SandboxData } from './network/sandbox.js';

/** The sandbox dataset (docs/sandbox.md): test subscribers and the demo application. */
export const SANDBOX_SUBSCRIBERS = subscribersJson as SandboxData;

export type SandboxApplication = Omit<Application, 'secretHash'> & { clientSecret?: string };

export const SANDBOX_APPLICATIONS = applicationsJson.applications as SandboxApplication[];

/** The partner that owns the demo applications. */
export const SANDBOX_PARTNER = { partnerId: 'sandbox-demo', name: 'Sandbox demo partner' } as const;

/**
 * Onboards the demo partner and its applications through the admin API's own service layer
 * (admin/v1/), as an operator-admin would, so the seed meets every check an admin call meets.
 * The published demo secret is issued as a credential with the sandbox plan's longest lifetime.
 * `catalogue`: the API scopes to check against (app.ts scopeCatalogue), when the caller has them.
 */
export async function seedSandboxPartner(deps: Deps, catalogue?: ScopeCatalogue): Promise<void> {
  const partner = await createPartner(deps, { name: SANDBOX_PARTNER.name }, SANDBOX_PARTNER.partnerId);
  for (const { clientSecret, clientId, status: _status, ...input } of SANDBOX_APPLICATIONS) {
    const app = await createApplication(deps, catalogue, partner, input, clientId);
    if (clientSecret === undefined) continue;
    const ttl = (await planOf(deps, app.plan))?.secretTtl?.maxSeconds;
    await issueSecret(deps, app, { expiresInSeconds: ttl, overlapSeconds: 0 }, clientSecret);
  }
}

/**
 * Whether this deployment serves the sandbox (demo applications, /sandbox/* routes): the sandbox
 * backend outside production only. config.ts already refuses the sandbox backend in production;
 * every place that serves the sandbox checks again (DESIGN §3).
 */
export function servesSandbox(config: Pick<Config, 'env' | 'networkBackend'>): boolean {
  return config.networkBackend === 'sandbox' && config.env !== 'production';
}

/** What `npm start` and `npm run dev:worker` print on the sandbox: the published demo credentials. */
export function demoCredentialsText(url: string): string | undefined {
  const demo = SANDBOX_APPLICATIONS.find((a) => a.clientSecret !== undefined);
  if (demo === undefined) return undefined;
  return [
    '',
    'Sandbox demo credentials (published test values; never use them in production):',
    `  client_id:     ${demo.clientId}`,
    `  client_secret: ${demo.clientSecret}`,
    `  token URL:     ${url}/oauth2/token`,
    `  purposes:      ${demo.purposes.join(' ')} (exactly one per token request)`,
    `  scopes:        ${demo.scopes.join(' ')}`,
    '  more:          README.md (walk-through), docs/sandbox.md (test numbers, demo-backend signing key)',
    '',
  ].join('\n');
}
