import type { Deps } from '../../deps.js';
import { ApiError } from '../../errors.js';
import { applicationKeys, registryKeys } from '../../store/keys.js';
import type { Application } from '../applications.js';
import { resumeApplication, suspendApplication } from '../kill-switch.js';
import type { Partner } from '../partners.js';
import { matches, newId, paginate, type ListFilter, type Page } from './partners-service.js';
import { newKey, withKey } from './key-credentials.js';
import { planOf } from './plans.js';
import { reaches, type AdminPrincipal } from './roles.js';

/**
 * Application onboarding, the service under the admin routes and the sandbox seed alike. What an
 * application may ask for is checked against the platform's catalogues here, whoever writes it.
 */

/** The fields an onboarding sets, times in ms since the epoch. */
export type ApplicationInput = Partial<
  Pick<
    Application,
    | 'name'
    | 'grantTypes'
    | 'authMethods'
    | 'scopes'
    | 'purposes'
    | 'redirectUris'
    | 'jwks'
    | 'jwksUri'
    | 'contact'
    | 'validFrom'
    | 'validUntil'
    | 'plan'
    | 'twoLeggedApis'
  >
>;

/** Every API scope → its API name (app.ts scopeCatalogue): what scopes and 2-legged APIs may name. */
export type ScopeCatalogue = ReadonlyMap<string, string>;

const DEFAULT_PLAN = 'standard';

/**
 * Onboards an application under a generated id, written only where no record is. `clientId`:
 * the sandbox seed's fixed id, written again on every start: the record takes the seed's fields
 * but keeps the status and token cut-off it has, so that a start never resumes a suspended
 * application.
 */
export async function createApplication(
  deps: Deps,
  catalogue: ScopeCatalogue | undefined,
  partner: Partner,
  input: ApplicationInput,
  clientId?: string,
): Promise<Application> {
  const { jwks, jwksUri, ...fields } = input;
  const fresh = {
    status: 'active',
    plan: DEFAULT_PLAN,
    twoLeggedApis: [],
    ...fields,
    clientId: clientId ?? newId('app'),
    partnerId: partner.partnerId,
  } as Application;
  await check(deps, catalogue, { ...fresh, jwks, jwksUri });
  const keys = { jwks, jwksUri };
  // Keys given with the fields become a key credential (key-credentials.ts), so that they expire
  // as every credential does.
  const app = hasKeys(keys) ? withKey(fresh, await newKey(deps, fresh, keys)) : fresh;
  // The index first: a record without its index entry would be invisible to listings.
  await deps.store.setAdd(registryKeys.applicationsOf(partner.partnerId), app.clientId);
  if (clientId === undefined) {
    await deps.applications.create(app);
    return app;
  }
  return deps.applications.seed(app, (current) => ({
    ...app,
    status: current.status,
    tokensNotBefore: current.tokensNotBefore,
  }));
}

const hasKeys = (keys: Pick<ApplicationInput, 'jwks' | 'jwksUri'>) =>
  keys.jwks !== undefined || keys.jwksUri !== undefined;

/** The partner's application, or 404 when absent, another partner's, or out of reach. */
export async function applicationFor(
  deps: Deps,
  principal: AdminPrincipal,
  partnerId: string,
  clientId: string,
): Promise<Application> {
  const app = reaches(principal, partnerId) ? await deps.applications.get(clientId) : null;
  if (app === null || app.partnerId !== partnerId) throw new ApiError('NOT_FOUND');
  return app;
}

export async function listApplications(
  deps: Deps,
  partnerId: string,
  filter: ListFilter,
): Promise<Page<Application>> {
  const ids = await deps.store.setMembers(registryKeys.applicationsOf(partnerId));
  const apps = (await Promise.all(ids.map((id) => deps.applications.get(id)))).filter(
    (a): a is Application => a !== null && a.partnerId === partnerId && matches(a, filter),
  );
  return paginate(apps, filter);
}

/**
 * Applies the patch to the record as stored (again after a lost race: a concurrent suspension or
 * rotation is kept), checked on every attempt against what it would write.
 */
export async function updateApplication(
  deps: Deps,
  catalogue: ScopeCatalogue,
  app: Application,
  patch: ApplicationInput,
): Promise<Application> {
  const { jwks, jwksUri, ...fields } = patch;
  const keys = { jwks, jwksUri };
  const patched = (current: Application) =>
    ({ ...current, ...fields, clientId: current.clientId, partnerId: current.partnerId }) as Application;
  await check(deps, catalogue, { ...patched(app), ...keys });
  // The key's lifetime follows the plan the patch sets, if any.
  const key = hasKeys(keys) ? await newKey(deps, patched(app), keys) : undefined;
  return deps.applications.update(app.clientId, async (current) => {
    const updated = patched(current);
    await check(deps, catalogue, { ...updated, ...keys });
    return key === undefined ? updated : withKey(updated, key);
  });
}

/** Suspended first (the kill switch refuses its tokens everywhere), then removed. */
export async function deleteApplication(deps: Deps, app: Application): Promise<void> {
  await suspendApplication(deps, app.clientId);
  await deps.store.del(applicationKeys.record(app.clientId));
  await deps.store.setRemove(registryKeys.applicationsOf(app.partnerId as string), app.clientId);
}

export async function setApplicationStatus(deps: Deps, app: Application, status: 'active' | 'suspended') {
  await (status === 'suspended' ? suspendApplication : resumeApplication)(deps, app.clientId);
  return (await deps.applications.get(app.clientId)) as Application;
}

const invalid = (message: string) => new ApiError('INVALID_ARGUMENT', message);

/** 400 for anything the platform does not know: a scope, a purpose, an API, a plan. */
async function check(deps: Deps, catalogue: ScopeCatalogue | undefined, app: Application): Promise<void> {
  // Without the catalogue (the seed inside bootstrap, which knows no API module), the scopes are
  // checked by test/admin/sandbox-seed.test.ts against the real one.
  if (catalogue !== undefined) checkScopes(catalogue, app);
  const unknownPurpose = app.purposes.find((p) => deps.purposes.get(p) === undefined);
  if (unknownPurpose !== undefined)
    throw invalid(`purposes: unknown purpose ${JSON.stringify(unknownPurpose)}.`);
  if ((await planOf(deps, app.plan)) === undefined)
    throw invalid(`plan: unknown plan ${JSON.stringify(app.plan)}.`);
  if (app.jwks !== undefined && app.jwksUri !== undefined)
    throw invalid('jwks and jwksUri: give one, not both.');
  if (app.validFrom !== undefined && app.validUntil !== undefined && app.validFrom >= app.validUntil)
    throw invalid('validUntil: must be after validFrom.');
}

function checkScopes(catalogue: ScopeCatalogue, app: Application): void {
  const unknownScope = app.scopes.find((s) => !catalogue.has(s));
  if (unknownScope !== undefined) throw invalid(`scopes: unknown scope ${JSON.stringify(unknownScope)}.`);
  const apis = new Set(catalogue.values());
  const unknownApi = app.twoLeggedApis.find((a) => !apis.has(a));
  if (unknownApi !== undefined) throw invalid(`twoLeggedApis: unknown API ${JSON.stringify(unknownApi)}.`);
}
