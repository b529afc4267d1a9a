import { ApiError } from '../../errors.js';
import type { AdminHandlers } from './handlers.js';
import {
  createPartner,
  deletePartner,
  listPartners,
  partnerFor,
  setPartnerStatus,
  updatePartner,
} from './partners-service.js';
import { ListQuery, PartnerCreate, PartnerPatch } from './schemas.js';
import { bodyOf, param, queryOf } from './validate.js';
import { partnerView } from './views.js';

/** Partners: CRUD, suspend and resume (the kill switch). */
export const partnerHandlers: AdminHandlers = {
  createPartner: [
    'partners:write',
    async (c) => {
      // A partner-manager limited to some partners manages those; onboarding new ones is not its call.
      if (c.get('admin').partnerIds !== undefined) throw new ApiError('PERMISSION_DENIED');
      const input = await bodyOf(c, PartnerCreate);
      return c.json(partnerView(await createPartner(c.get('deps'), input)), 201);
    },
  ],
  listPartners: [
    'partners:read',
    async (c) => {
      const filter = queryOf(c, ListQuery);
      const page = await listPartners(c.get('deps'), c.get('admin'), filter);
      return c.json({ ...page, items: page.items.map(partnerView) });
    },
  ],
  getPartner: [
    'partners:read',
    async (c) => c.json(partnerView(await partnerFor(c.get('deps'), c.get('admin'), param(c, 'partnerId')))),
  ],
  patchPartner: [
    'partners:write',
    async (c) => {
      const deps = c.get('deps');
      const partner = await partnerFor(deps, c.get('admin'), param(c, 'partnerId'));
      const patch = await bodyOf(c, PartnerPatch);
      return c.json(partnerView(await updatePartner(deps, partner, patch)));
    },
  ],
  deletePartner: [
    'partners:write',
    async (c) => {
      const deps = c.get('deps');
      await deletePartner(deps, await partnerFor(deps, c.get('admin'), param(c, 'partnerId')));
      return c.body(null, 204);
    },
  ],
  suspendPartner: [
    'partners:write',
    async (c) => {
      const deps = c.get('deps');
      const partner = await partnerFor(deps, c.get('admin'), param(c, 'partnerId'));
      deps.logger.warn('partner suspended', { partnerId: partner.partnerId, by: c.get('admin').subject });
      return c.json(partnerView(await setPartnerStatus(deps, partner, 'suspended')));
    },
  ],
  resumePartner: [
    'partners:write',
    async (c) => {
      const deps = c.get('deps');
      const partner = await partnerFor(deps, c.get('admin'), param(c, 'partnerId'));
      deps.logger.info('partner resumed', { partnerId: partner.partnerId, by: c.get('admin').subject });
      return c.json(partnerView(await setPartnerStatus(deps, partner, 'active')));
    },
  ],
};
