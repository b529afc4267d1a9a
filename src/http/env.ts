import type { AccessContext } from '../auth/access-context.js';
import type { Deps } from '../deps.js';

/** Hono context variables shared by the platform's middleware and the API modules. */
export type Env = {
  Variables: {
    correlator: string;
    deps: Deps;
    access: AccessContext;
  };
};
