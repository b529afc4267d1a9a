/** The `grant_type` values of ICM §7.1 (plus refresh). */
export const GRANT = {
  clientCredentials: 'client_credentials',
  authorizationCode: 'authorization_code',
  refreshToken: 'refresh_token',
  /** OpenID CIBA Core §10.1. */
  ciba: 'urn:openid:params:grant-type:ciba',
  /** RFC 7523 §2.1. */
  jwtBearer: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
} as const;
