/** What a verified access token grants, as the resource APIs see it. */
export type AccessContext = {
  clientId: string;
  scopes: ReadonlySet<string>;
  /** The one `dpv:` purpose the token was issued for. */
  purpose: string | undefined;
  /** 3-legged tokens: the subscriber (E.164), decrypted from the token; 2-legged: undefined. */
  subscriber: string | undefined;
  /** How the subscriber was authenticated (RFC 8176 values and CAMARA's `nba`, `operatortoken`). */
  amr: readonly string[];
  jti: string;
  /** Expiry, seconds since epoch. */
  exp: number;
  /** Issue time, seconds since epoch: the kill switch refuses tokens issued before a suspension. */
  iat: number;
};

export const isThreeLegged = (access: AccessContext): boolean => access.subscriber !== undefined;

/** True when the token holds one of the alternative scopes (an OpenAPI `security` OR). */
export const hasAnyScope = (access: AccessContext, alternatives: readonly string[]): boolean =>
  alternatives.some((s) => access.scopes.has(s));
