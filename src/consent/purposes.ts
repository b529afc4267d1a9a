import { z } from 'zod';
import {
  DEFAULT_POLICIES,
  KYC_FIELDS,
  type ApiPolicies,
  type PolicyApi,
  type PolicySource,
} from '../privacy/policies.js';
import type { LegalBasis } from './port.js';

/**
 * The purpose registry (ICM §7.5-7.6): every `dpv:` purpose the operator accepts, its legal basis
 * per market, the APIs and scopes it may use, and its data-minimisation policy per API. It is
 * configuration (PURPOSE_REGISTRY, or PURPOSE_REGISTRY_FILE on Node); DEFAULT_PURPOSES serves the
 * sandbox.
 */

export const PURPOSE_PATTERN = /^dpv:[A-Za-z][A-Za-z0-9]*$/;

/** Scopes that no purpose has to list: protocol scopes, and Consent Info, which is about purposes. */
export const PURPOSE_NEUTRAL = (scope: string) =>
  scope === 'openid' || scope === 'offline_access' || scope.startsWith('consent-info:');

const basis = z.enum(['consent', 'legitimate_interest', 'contract']);
const scopes = z.array(z.string().regex(/^[a-z0-9-]+(:[a-z0-9-]+)*$/)).min(1);
const positive = (max: number) => z.number().int().min(1).max(max);

const apiEntries = z
  .object({
    'sim-swap': z
      .strictObject({
        scopes,
        policy: z
          .strictObject({ maxAgeHours: positive(2400).optional(), monitoredDays: positive(36500).optional() })
          .optional(),
      })
      .optional(),
    'kyc-match': z
      .strictObject({ scopes, policy: z.strictObject({ fields: z.array(z.enum(KYC_FIELDS)) }) })
      .optional(),
    'number-verification': z
      .strictObject({ scopes, policy: z.strictObject({ hashedOnly: z.boolean() }).optional() })
      .optional(),
  })
  // Other APIs (e.g. sim-swap-subscriptions) declare their scopes; they have no data policy yet.
  .catchall(z.strictObject({ scopes }));

export const PurposeDefinitionSchema = z.strictObject({
  /** Shown to subscribers on the consent page: plain words, no jargon. */
  title: z.string().min(1).max(80),
  description: z.string().min(1).max(300),
  /** `default` plus ISO 3166-1 alpha-2 market overrides. */
  legalBasis: z
    .record(z.string().regex(/^(default|[A-Z]{2})$/), basis)
    .refine((r) => r.default !== undefined, 'needs a default'),
  /** How long a granted consent lasts. */
  consentDays: positive(3650).default(365),
  apis: apiEntries.refine((a) => Object.keys(a).length > 0, 'names no API'),
});

export const PurposeRegistrySchema = z.record(z.string().regex(PURPOSE_PATTERN), PurposeDefinitionSchema);

type Entry<P> = { scopes: string[]; policy?: P | undefined };

/** The APIs a purpose may use, with the data policy of each (PurposeDefinitionSchema checks it). */
export type PurposeApis = {
  'sim-swap'?: Entry<ApiPolicies['sim-swap']>;
  'kyc-match'?: Entry<ApiPolicies['kyc-match']>;
  'number-verification'?: Entry<ApiPolicies['number-verification']>;
  [api: string]: Entry<unknown> | undefined;
};

export type PurposeDefinition = {
  title: string;
  description: string;
  legalBasis: { default: LegalBasis; [market: string]: LegalBasis };
  consentDays: number;
  apis: PurposeApis;
};

export type PurposeRegistryData = Record<string, PurposeDefinition>;

const SIM_SWAP = ['sim-swap:check', 'sim-swap:retrieve-date', 'sim-swap'];

/** The sandbox registry. Operators replace it with their own through configuration. */
export const DEFAULT_PURPOSES: PurposeRegistryData = {
  'dpv:FraudPreventionAndDetection': {
    title: 'Fraud prevention',
    description:
      'to detect and prevent fraud, for example an account takeover after your SIM card was swapped',
    legalBasis: { default: 'legitimate_interest' },
    consentDays: 365,
    apis: {
      'sim-swap': { scopes: SIM_SWAP },
      'kyc-match': { scopes: ['kyc-match:match'], policy: { fields: [...KYC_FIELDS] } },
      // Confirming a number the application already holds needs no number in clear.
      'number-verification': { scopes: ['number-verification:verify'], policy: { hashedOnly: true } },
    },
  },
  'dpv:IdentityVerification': {
    title: 'Identity verification',
    description:
      'to check your identity for a service you are signing up for, against the details of your line',
    legalBasis: { default: 'contract' },
    consentDays: 365,
    apis: {
      'kyc-match': { scopes: ['kyc-match:match'], policy: { fields: [...KYC_FIELDS] } },
      'number-verification': {
        scopes: ['number-verification:verify', 'number-verification:device-phone-number:read'],
        policy: { hashedOnly: false },
      },
    },
  },
  'dpv:CreditChecking': {
    title: 'Credit checking',
    description: 'to assess a credit application you made, using only recent changes to your line',
    legalBasis: { default: 'consent' },
    consentDays: 90,
    apis: {
      'sim-swap': { scopes: SIM_SWAP, policy: { maxAgeHours: 720, monitoredDays: 30 } },
      'kyc-match': {
        scopes: ['kyc-match:match'],
        policy: { fields: ['name', 'givenName', 'familyName', 'address', 'postalCode', 'birthdate'] },
      },
    },
  },
  'dpv:RequestedServiceProvision': {
    title: 'A service you asked for',
    description: 'to provide a service you signed up for, such as signing in with your phone number',
    legalBasis: { default: 'contract' },
    consentDays: 365,
    apis: {
      'number-verification': {
        scopes: ['number-verification:verify', 'number-verification:device-phone-number:read'],
        policy: { hashedOnly: false },
      },
    },
  },
};

/** The registry as the platform reads it, for one market. */
export class PurposeRegistry implements PolicySource {
  /** scopesOf() as a set, per purpose: checked on every resource call (the registry is fixed). */
  private readonly allowed = new Map<string, ReadonlySet<string>>();

  constructor(
    private readonly data: PurposeRegistryData,
    readonly market: string | undefined,
  ) {}

  get(purpose: string): PurposeDefinition | undefined {
    return Object.hasOwn(this.data, purpose) ? this.data[purpose] : undefined;
  }

  /** The legal basis of the purpose in this market; undefined for an unknown purpose. */
  legalBasis(purpose: string): LegalBasis | undefined {
    const def = this.get(purpose);
    if (def === undefined) return undefined;
    return (this.market !== undefined ? def.legalBasis[this.market] : undefined) ?? def.legalBasis.default;
  }

  /** Every scope the purpose may use, over all its APIs. */
  scopesOf(purpose: string): string[] {
    const def = this.get(purpose);
    return def === undefined ? [] : Object.values(def.apis).flatMap((entry) => entry?.scopes ?? []);
  }

  /** True when each API scope of the request is one the purpose lists. */
  allowsScopes(purpose: string, requested: readonly string[]): boolean {
    let allowed = this.allowed.get(purpose);
    if (allowed === undefined) {
      allowed = new Set(this.scopesOf(purpose));
      // Registered purposes only: any other name is refused, and must not grow the map.
      if (this.get(purpose) !== undefined) this.allowed.set(purpose, allowed);
    }
    return allowed.size > 0 && requested.every((s) => PURPOSE_NEUTRAL(s) || allowed.has(s));
  }

  apiPolicy<A extends PolicyApi>(purpose: string, api: A): ApiPolicies[A] | undefined {
    const entry = this.get(purpose)?.apis[api] as { policy?: ApiPolicies[A] } | undefined;
    if (entry === undefined) return undefined;
    return entry.policy ?? DEFAULT_POLICIES[api];
  }

  /** Registered purposes, for documentation and the admin API. */
  purposes(): string[] {
    return Object.keys(this.data);
  }
}

/** Parses and validates a registry document (JSON text); throws with every problem listed. */
export function parsePurposeRegistry(json: string): PurposeRegistryData {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new Error('not valid JSON');
  }
  const parsed = PurposeRegistrySchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(
      parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '),
    );
  }
  return parsed.data as PurposeRegistryData;
}
