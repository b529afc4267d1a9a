import type { Deps } from '../../deps.js';
import { ApiError } from '../../errors.js';
import { partnerKeys, registryKeys } from '../../store/keys.js';
import { resumePartner, suspendPartner } from '../kill-switch.js';
import type { Partner } from '../partners.js';
import type { AdminPrincipal } from './roles.js';
import { reaches } from './roles.js';

/**
 * Partner onboarding, the service under the admin routes and the sandbox seed alike: the same
 * checks and the same index whoever writes. `principal` limits what a partner-manager sees.
 */

export type PartnerInput = { name: string; contact?: Partner['contact'] };
export type ListFilter = {
  page: number;
  perPage: number;
  status?: string | undefined;
  name?: string | undefined;
};
export type Page<T> = { items: T[]; page: number; perPage: number; total: number };

export const newId = (prefix: string) => `${prefix}-${crypto.randomUUID().replaceAll('-', '').slice(0, 16)}`;

/**
 * Creates a partner under a generated id, written only where no record is. `partnerId`: the
 * sandbox seed's fixed id, written again on every start: the record takes the seed's name and
 * contact but keeps its status, token cut-off and creation time.
 */
export async function createPartner(deps: Deps, input: PartnerInput, partnerId?: string): Promise<Partner> {
  const now = deps.clock.now();
  const partner: Partner = {
    partnerId: partnerId ?? newId('ptn'),
    name: input.name,
    status: 'active',
    ...(input.contact === undefined ? {} : { contact: input.contact }),
    createdAt: now,
    updatedAt: now,
  };
  // The index first: a record without its index entry would be invisible to listings.
  await deps.store.setAdd(registryKeys.partners, partner.partnerId);
  if (partnerId === undefined) {
    await deps.partners.create(partner);
    return partner;
  }
  return deps.partners.seed(partner, ({ contact: _contact, ...kept }) => ({
    ...kept,
    ...partner,
    status: kept.status,
    createdAt: kept.createdAt,
  }));
}

/** The partner, or 404 when absent or out of the principal's reach (never telling which). */
export async function partnerFor(deps: Deps, principal: AdminPrincipal | undefined, partnerId: string) {
  const partner =
    principal === undefined || reaches(principal, partnerId) ? await deps.partners.get(partnerId) : null;
  if (partner === null) throw new ApiError('NOT_FOUND');
  return partner;
}

export async function listPartners(
  deps: Deps,
  principal: AdminPrincipal,
  filter: ListFilter,
): Promise<Page<Partner>> {
  const ids = (await deps.store.setMembers(registryKeys.partners)).filter((id) => reaches(principal, id));
  const partners = (await Promise.all(ids.map((id) => deps.partners.get(id)))).filter(
    (p): p is Partner => p !== null && matches(p, filter),
  );
  return paginate(partners, filter);
}

export function matches(item: { name: string; status: string }, filter: ListFilter): boolean {
  if (filter.status !== undefined && item.status !== filter.status) return false;
  return filter.name === undefined || item.name.toLowerCase().includes(filter.name.toLowerCase());
}

export function paginate<T>(items: T[], { page, perPage }: ListFilter): Page<T> {
  return { items: items.slice((page - 1) * perPage, page * perPage), page, perPage, total: items.length };
}

/** Applies the patch to the record as stored (again after a lost race: a suspension is kept). */
export async function updatePartner(
  deps: Deps,
  partner: Partner,
  patch: { name?: string | undefined; contact?: Partner['contact'] | null },
): Promise<Partner> {
  return deps.partners.update(partner.partnerId, (current) => {
    const { contact: _contact, ...rest } = current;
    const contact = patch.contact === undefined ? current.contact : (patch.contact ?? undefined);
    return {
      ...rest,
      ...(patch.name === undefined ? {} : { name: patch.name }),
      ...(contact === undefined ? {} : { contact }),
      updatedAt: deps.clock.now(),
    };
  });
}

/** A partner with applications is not deleted: they would be left without an owner. */
export async function deletePartner(deps: Deps, partner: Partner): Promise<void> {
  if ((await deps.store.setMembers(registryKeys.applicationsOf(partner.partnerId))).length > 0)
    throw new ApiError('FAILED_PRECONDITION', 'The partner still has applications: delete them first.');
  await deps.store.del(partnerKeys.record(partner.partnerId));
  await deps.store.setRemove(registryKeys.partners, partner.partnerId);
}

export async function setPartnerStatus(deps: Deps, partner: Partner, status: 'active' | 'suspended') {
  await (status === 'suspended' ? suspendPartner : resumePartner)(deps, partner.partnerId);
  return (await deps.partners.get(partner.partnerId)) as Partner;
}
