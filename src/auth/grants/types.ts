import type { Deps } from '../../deps.js';

export type GrantContext = {
  deps: Deps;
  form: Map<string, string>;
  /** Every known API scope → its API name. */
  catalogue: ReadonlyMap<string, string>;
};

export type TokenResponse = {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
  refresh_token?: string;
  id_token?: string;
};
