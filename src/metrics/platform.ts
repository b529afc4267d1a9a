import { RegistryLostError } from '../admin/applications.js';
import { StoreUnavailableError } from '../store/port.js';
import { Registry } from './exposition.js';

/**
 * Request latency buckets, in seconds: the hot path answers in milliseconds, a call that waits on
 * the operator's BSS in up to NETWORK_HTTP_TIMEOUT_MS (3 s by default).
 */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

/** Where an application was refused by its status: a resource call, or the authorization server. */
export type RefusalSurface = 'api' | 'oauth';

/**
 * The platform's series (docs/operations.md "Metrics"). Every label value is a route pattern, a
 * code from a closed table, or a client_id of the application registry: never a raw path, a
 * subscriber number, a token or a secret. client_id labels only the refusal counters: a partner
 * hitting its limits or calling while suspended is what an operator acts on, the registry bounds
 * the values, and a client_id is an identifier, not a credential. It is set only from an
 * authenticated identity (a verified token, an authenticated client) or a registry record, never
 * from a name a request merely presents, so nobody can grow the series by inventing names.
 * The request counters carry no client_id: routes × statuses × applications × buckets would make
 * the cardinality grow with every partner onboarded.
 */
export class Metrics {
  readonly registry = new Registry();

  private readonly requests = this.registry.counter(
    'camara_http_requests_total',
    'HTTP requests answered, by API, method, route pattern and status.',
    ['api', 'method', 'route', 'status'],
  );
  private readonly latency = this.registry.histogram(
    'camara_http_request_duration_seconds',
    'Time from the request reaching the platform to its response, by API, method and route pattern.',
    ['api', 'method', 'route'],
    LATENCY_BUCKETS,
  );
  private readonly requestSeries = new Map<
    string,
    { count: { inc(): void }; latency: { observe(seconds: number): void } }
  >();
  private readonly errors = this.registry.counter(
    'camara_http_errors_total',
    'Error responses by status and error code (CAMARA ErrorInfo code or OAuth 2.0 error).',
    ['status', 'code'],
  );
  private readonly rateLimits = this.registry.counter(
    'camara_rate_limit_refusals_total',
    'Requests refused by a rate limit, by code and authenticated client_id (empty: a per-address limit).',
    ['code', 'client_id'],
  );
  private readonly tokens = this.registry.counter(
    'camara_tokens_issued_total',
    'Access tokens issued by the token endpoint, by grant type.',
    ['grant_type'],
  );
  private readonly legalBasis = this.registry.counter(
    'camara_legal_basis_checks_total',
    'Legal-basis checks of the consent service, by outcome: the basis that allowed, or the refusal reason.',
    ['outcome'],
  );
  private readonly legalBasisSeries = new Map<string, { inc(): void }>();
  private readonly consentDecisions = this.registry.counter(
    'camara_consent_decisions_total',
    "Subscribers' answers to consent capture requests, by decision and channel.",
    ['decision', 'via'],
  );
  private readonly storeErrors = this.registry.counter(
    'camara_store_errors_total',
    'Requests failed closed because the store was unavailable or had lost the application registry.',
    ['kind'],
  );
  private readonly killSwitch = this.registry.counter(
    'camara_application_refusals_total',
    'Calls of an application refused because it is suspended or no longer registered (kill switch).',
    ['client_id', 'status', 'surface'],
  );
  private readonly killSwitchActions = this.registry.counter(
    'camara_kill_switch_actions_total',
    'Suspensions and resumptions of applications and partners (admin/kill-switch.ts).',
    ['action', 'target'],
  );

  request(labels: { api: string; method: string; route: string; status: number }, seconds: number): void {
    const { api, method, route, status } = labels;
    // Every request is counted: its two series are found by one lookup, not by building and
    // escaping their label strings again. The keys are bounded as the series are (route
    // patterns, methods, statuses).
    const key = `${api} ${method} ${route} ${status}`;
    let series = this.requestSeries.get(key);
    if (series === undefined) {
      series = {
        count: this.requests.labels({ api, method, route, status: String(status) }),
        latency: this.latency.labels({ api, method, route }),
      };
      this.requestSeries.set(key, series);
    }
    series.count.inc();
    series.latency.observe(seconds);
  }

  /** An error response (http/on-error.ts): its status and code, and whether the store failed it. */
  failed(error: unknown, response: { status: number; code: string }): void {
    this.errors.inc({ status: String(response.status), code: response.code });
    this.storeFailed(error);
  }

  /** Counts a store failure; other errors are not the store's. */
  storeFailed(error: unknown): void {
    if (!(error instanceof StoreUnavailableError)) return;
    this.storeErrors.inc({ kind: error instanceof RegistryLostError ? 'registry_lost' : 'unavailable' });
  }

  rateLimited(code: string, clientId: string | undefined): void {
    this.rateLimits.inc({ code, client_id: clientId ?? '' });
  }

  tokenIssued(grantType: string): void {
    this.tokens.inc({ grant_type: grantType });
  }

  legalBasisChecked(decision: { allowed: true; basis: string } | { allowed: false; reason: string }): void {
    // Counted on every resource call: its series is found by its outcome (a closed set) alone.
    const outcome = decision.allowed ? decision.basis : decision.reason;
    let series = this.legalBasisSeries.get(outcome);
    if (series === undefined) {
      series = this.legalBasis.labels({ outcome });
      this.legalBasisSeries.set(outcome, series);
    }
    series.inc();
  }

  consentDecided(decision: 'grant' | 'deny', via: 'link' | 'operator'): void {
    this.consentDecisions.inc({ decision, via });
  }

  /** An application refused by its status; `status` is `removed` when it left the registry. */
  applicationRefused(clientId: string, status: string, surface: RefusalSurface): void {
    this.killSwitch.inc({ client_id: clientId, status, surface });
  }

  /** An operator suspended or resumed an application or a partner. */
  killSwitchUsed(action: 'suspend' | 'resume', target: 'application' | 'partner'): void {
    this.killSwitchActions.inc({ action, target });
  }

  render(): string {
    return this.registry.render();
  }
}
