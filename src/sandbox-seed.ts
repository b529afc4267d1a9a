import applicationsJson from '../sandbox/applications.json' with { type: 'json' };
import subscribersJson from '../sandbox/subscribers.json' with { type: 'json' };
import type { Application } from './admin/applications.js';
import type { ClientSecrets } from './admin/secrets.js';
import type { Config } from './config.js';
import type { SandboxData } from './network/sandbox.js';

/** The sandbox dataset (docs/sandbox.md): test subscribers and the demo application. */
export const SANDBOX_SUBSCRIBERS = subscribersJson as SandboxData;

export type SandboxApplication = Omit<Application, 'secretHash'> & { clientSecret?: string };

export const SANDBOX_APPLICATIONS = applicationsJson.applications as SandboxApplication[];

/** Sandbox secrets are published demo values: stored on load in the form of any other secret. */
export async function sandboxApplications(secrets: ClientSecrets): Promise<Application[]> {
  return Promise.all(
    SANDBOX_APPLICATIONS.map(async ({ clientSecret, ...app }) => ({
      ...app,
      secretHash: clientSecret === undefined ? undefined : await secrets.hash(clientSecret),
    })),
  );
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
