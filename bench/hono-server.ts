import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { Env } from '../src/http/env.js';
import { jsonBody } from '../src/http/json-body.js';
import { nodeRuntime } from '../src/runtime/node.js';
import { announce } from './child.js';

/**
 * A control for the explanation of the ratio: the same stack as the platform (Hono behind
 * @hono/node-server, the platform's own JSON body reader) answering the same JSON, without the
 * rest of the pipeline (x-correlator, security headers, token, rate limit, validation, lookup).
 * Its gap to the node:http baseline is what the adapter and the framework cost; its gap to the
 * platform is what the platform's pipeline costs.
 */
const app = new Hono<Env>();
app.use((c, next) => {
  c.set('runtime', nodeRuntime);
  return next();
});
app.post('/sim-swap/v2/check', jsonBody(16_384), (c) => c.json({ swapped: true }));

const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  announce(info.port, () => {
    if ('closeAllConnections' in server) server.closeAllConnections();
    return new Promise((resolve) => server.close(() => resolve()));
  });
});
