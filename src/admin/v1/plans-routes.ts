import { ApiError } from '../../errors.js';
import type { AdminHandlers } from './handlers.js';
import { planOf, planView, putPlan, syncPlans } from './plans.js';
import { PlanBody, PlanName } from './schemas.js';
import { bodyOf, param } from './validate.js';

/** Rate-limit plans, operator-admin only. */
export const planHandlers: AdminHandlers = {
  listPlans: [
    'plans:read',
    async (c) => {
      const deps = c.get('deps');
      await syncPlans(deps);
      const items = Object.entries(deps.plans)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([name, plan]) => planView(name, plan));
      return c.json({ items });
    },
  ],
  getPlan: [
    'plans:read',
    async (c) => {
      const name = param(c, 'name');
      const plan = await planOf(c.get('deps'), name);
      if (plan === undefined) throw new ApiError('NOT_FOUND');
      return c.json(planView(name, plan));
    },
  ],
  putPlan: [
    'plans:write',
    async (c) => {
      const name = param(c, 'name');
      if (!PlanName.safeParse(name).success)
        throw new ApiError(
          'INVALID_ARGUMENT',
          'name: lower-case letters, digits and dashes, a letter first.',
        );
      const settings = await bodyOf(c, PlanBody);
      return c.json(planView(name, await putPlan(c.get('deps'), name, settings)));
    },
  ],
};
