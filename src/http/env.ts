import type { Application } from '../admin/applications.js';
import type { AdminPrincipal } from '../admin/v1/roles.js';
import type { AccessContext } from '../auth/access-context.js';
import type { ClientAttempt } from '../auth/endpoint-limits.js';
import type { PrefetchedLegalBasis } from '../consent/prefetch.js';
import type { Deps } from '../deps.js';
import type { Runtime } from '../runtime/port.js';
import type { ParsedJson } from './json-body.js';

/** Hono context variables shared by the platform's middleware and the API modules. */
export type Env = {
  Variables: {
    correlator: string;
    deps: Deps;
    /** How this runtime reads headers, the body and the peer (runtime/), chosen by the entry. */
    runtime: Runtime;
    access: AccessContext;
    /** The operator's user or system calling the admin API (admin/v1/auth.ts). */
    admin: AdminPrincipal;
    /** The token's application, active (pipeline/application.ts). */
    application: Application;
    /** The request body's bytes, read once (http/json-body.ts readBodyOnce). */
    rawBody: Promise<Uint8Array> | undefined;
    /** Those bytes parsed as JSON once, null when they are not JSON (http/json-body.ts parsedJson). */
    json: ParsedJson | null | undefined;
    /** The form of an `/oauth2/*` request, parsed once (auth/form.ts readForm). */
    form: Promise<Map<string, string>> | undefined;
    /** The failure reservation of a client-authenticated endpoint (auth/endpoint-limits.ts). */
    clientAttempt: ClientAttempt | undefined;
    /** The legal-basis decision read with the rate-limit hit (pipeline/legal-basis.ts). */
    legalBasis: PrefetchedLegalBasis | undefined;
  };
};
