/**
 * `amr` values recorded in 3-legged tokens (RFC 8176 §1: parties agree on the meaning of values
 * outside the registry). Number Verification accepts only network or SIM based authentication
 * (ICM §7.8), so it needs to tell them apart from a subscriber the client merely named.
 */
export const AMR = {
  /** ICM auth-code diagram `amr=nba`: the device's connection identified the subscription. */
  networkBased: 'nba',
  /** A GSMA TS.43 operator token, validated with the entitlement server. */
  operatorToken: 'operatortoken',
  /**
   * The client named the subscriber (CIBA `tel:`/`ipport:` hint, JWT-bearer `tel:` subject) and
   * the network did not authenticate them. Deliberately not a network method.
   */
  clientAsserted: 'client_asserted',
} as const;

export type Amr = (typeof AMR)[keyof typeof AMR];

/** True when the subscriber was authenticated by the mobile network or its SIM (ICM §7.8). */
export const isNetworkAuthenticated = (amr: readonly string[]): boolean =>
  amr.includes(AMR.networkBased) || amr.includes(AMR.operatorToken);
