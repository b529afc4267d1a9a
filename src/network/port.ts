/**
 * The NetworkBackend port: what the platform asks of the operator's network and BSS.
 * Adapters: sandbox (seeded data, the embedded default) and http (the operator's BSS,
 * docs/operator-bss-contract.md).
 */

export type LineType = 'consumer' | 'business' | 'iot';

/** Every attribute of a KYC record: the KYC Match 0.4.0 request fields besides phoneNumber. */
export const KYC_ATTRIBUTES = [
  'idDocument',
  'idDocumentType',
  'idDocumentExpiryDate',
  'name',
  'givenName',
  'familyName',
  'nameKanaHankaku',
  'nameKanaZenkaku',
  'middleNames',
  'familyNameAtBirth',
  'address',
  'streetName',
  'streetNumber',
  'postalCode',
  'region',
  'locality',
  'country',
  'houseNumberExtension',
  'birthdate',
  'email',
  'gender',
  'cityOfBirth',
  'countryOfBirth',
  'nationality',
] as const;

export type KycAttribute = (typeof KYC_ATTRIBUTES)[number];

export type KycRecord = Partial<Record<KycAttribute, string>>;

export type Subscriber = {
  /** E.164 with the leading '+'. */
  phoneNumber: string;
  lineType: LineType;
  /** CAMARA API names for which this line is not eligible (besides IoT lines, never eligible). */
  excludedApis: readonly string[];
  /** First association of the number with a SIM (ms since epoch); null: never associated. */
  activatedAt: number | null;
  /** SIM changes of the number (ms since epoch), oldest first. */
  simChanges: readonly number[];
  kyc: KycRecord | undefined;
};

/** A device seen on the operator's network: its public IP (and port, behind CGNAT). */
export type DeviceAddress = { ip: string; port?: number | undefined };

/** What a lookup needs besides the line itself; KYC attributes travel only when asked for. */
export type LookupOptions = { kyc?: boolean };

export interface NetworkBackend {
  /**
   * The subscription of this number, or null when the operator has none. `kyc` in the answer is
   * meaningful only when `options.kyc` was set (data minimisation: SIM Swap never reads it).
   */
  findSubscriber(phoneNumber: string, options?: LookupOptions): Promise<Subscriber | null>;
  /**
   * Network-based authentication (ICM §7.8): the subscriber whose device holds this address, or
   * null when the address is not on the operator's network. The port matters behind CGNAT.
   */
  resolveDevice(address: DeviceAddress): Promise<string | null>;
  /**
   * GSMA TS.43 temporary operator token → the subscriber it was issued for, or null when the
   * token is unknown, expired or already used (the Entitlement Server's answer).
   */
  validateOperatorToken(token: string): Promise<string | null>;
}

/** CAMARA SERVICE_NOT_APPLICABLE: the API is not offered for this line (e.g. IoT or B2B lines). */
export function isEligible(subscriber: Subscriber, api: string): boolean {
  return subscriber.lineType !== 'iot' && !subscriber.excludedApis.includes(api);
}
