import { Hono, type Context } from 'hono';
import type { Env } from '../http/env.js';
import { EXPOSITION_CONTENT_TYPE } from './exposition.js';
import type { Metrics } from './platform.js';

const scrape = (metrics: Metrics) =>
  new Response(metrics.render(), {
    status: 200,
    headers: { 'content-type': EXPOSITION_CONTENT_TYPE, 'cache-control': 'no-store' },
  });

/** GET /internal/metrics on the API listener, behind the operator's credentials (app.ts). */
export const internalMetrics = (c: Context<Env>): Response => scrape(c.get('deps').metrics);

/**
 * The metrics listener's whole application (METRICS_PORT): `GET /metrics` and nothing else, so
 * that opening this port to a scraper opens none of the API. Plain 404s: no API error bodies,
 * no platform middleware.
 */
export function metricsListenerApp(metrics: Metrics): Hono {
  const app = new Hono();
  app.get('/metrics', () => scrape(metrics));
  app.notFound(() => new Response('Not Found\n', { status: 404, headers: { 'content-type': 'text/plain' } }));
  return app;
}
