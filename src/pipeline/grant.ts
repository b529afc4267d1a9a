import type { Application } from '../admin/applications.js';
import { isThreeLegged, type AccessContext } from '../auth/access-context.js';
import type { Step } from './step.js';

/**
 * What of a token its application still holds. The operator narrows an application (PATCH: a
 * scope, its 2-legged access to an API, or the client-credentials grant withdrawn) and the change
 * holds from the very next call, like a suspension or a purpose withdrawn: an access token issued
 * under the wider record must not outlive it (ICM §7.5 refuses the refresh for the same change).
 * Returns the token's context when nothing was withdrawn, else one without the withdrawn scopes.
 */
export function withinApplication(access: AccessContext, app: Application, api: string): AccessContext {
  // A 2-legged token exists only through client credentials for an API the agreement allows so.
  const twoLeggedGone =
    !isThreeLegged(access) &&
    (!app.grantTypes.includes('client_credentials') || !app.twoLeggedApis.includes(api));
  if (!twoLeggedGone && [...access.scopes].every((s) => app.scopes.includes(s))) return access;
  const scopes = twoLeggedGone ? [] : [...access.scopes].filter((s) => app.scopes.includes(s));
  return { ...access, scopes: new Set(scopes) };
}

/**
 * Between steps 2 and 5: the call's access context narrowed to the application's record read in
 * this call's batch (pipeline/application.ts), so that a withdrawn scope answers
 * 403 PERMISSION_DENIED at step 5, in its place in the order. No read of its own.
 */
export function grant(api: string): Step {
  return {
    name: 'grant',
    read(c) {
      return () => {
        c.set('access', withinApplication(c.get('access'), c.get('application'), api));
      };
    },
  };
}
