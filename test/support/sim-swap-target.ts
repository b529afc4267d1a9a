import { FRAUD, startIdentityServer, type IdentityServer, type TokenFlows } from '../e2e/support/identity.js';
import type { Target } from './targets.js';

/**
 * SIM Swap over HTTP on a target (test/support/targets.ts): a test application onboarded for
 * every SIM Swap scope, 2-legged, under dpv:FraudPreventionAndDetection (legitimate interest),
 * with tokens from the real flows: client credentials (2-legged) and JWT-bearer `tel:` (3-legged,
 * the number in the token). Tokens are kept per leg, number and scopes: SIM Swap tokens serve many
 * calls, and a file of scenarios then runs a handful of flows, not one per call.
 */
export type SimSwapTarget = {
  server: IdentityServer;
  /** A 2-legged token (no number), or a 3-legged one for `subscriber`. */
  token(options?: { subscriber?: string; scopes?: readonly string[] }): Promise<string>;
  post(
    path: string,
    body: unknown,
    token: string | undefined,
    headers?: Record<string, string>,
  ): Promise<Response>;
  close(): Promise<void>;
};

export const SIM_SWAP_SCOPES = ['sim-swap:check', 'sim-swap:retrieve-date', 'sim-swap'];

export async function startSimSwapTarget(
  target: Target,
  env: Record<string, string> = {},
): Promise<SimSwapTarget> {
  const server = await startIdentityServer(target, { env });
  const flows: TokenFlows = await server.register({ scopes: SIM_SWAP_SCOPES, purposes: [FRAUD] });
  const kept = new Map<string, Promise<string>>();
  return {
    server,
    token: ({ subscriber, scopes = ['sim-swap:check', 'sim-swap:retrieve-date'] } = {}) => {
      const scope = `${FRAUD} ${scopes.join(' ')}`;
      const key = `${subscriber ?? '-'} ${scope}`;
      let token = kept.get(key);
      if (token === undefined) {
        token =
          subscriber === undefined
            ? flows.clientCredentials(scope)
            : flows.jwtBearer(`tel:${subscriber}`, scope);
        kept.set(key, token);
      }
      return token;
    },
    post: (path, body, token, headers) => server.post(path, body, token, headers),
    close: () => server.close(),
  };
}
