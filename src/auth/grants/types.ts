import type { Deps } from '../../deps.js';

export type GrantContext = {
  deps: Deps;
  form: Map<string, string>;
  /** Every known API scope → its API name. */
  catalogue: ReadonlyMap<string, string>;
  /**
   * False only for a JWT-bearer request whose grant assertion is the client authentication
   * (ICM §7.3): the grant verifies it, then charges the client's budget (chargeClient).
   */
  clientAuthenticated: boolean;
};

export type TokenResponse = {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
  refresh_token?: string;
  id_token?: string;
};
