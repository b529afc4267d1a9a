import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { announce } from './child.js';

/**
 * A control for the explanation of the ratio: the same stack as the platform (Hono behind
 * @hono/node-server) answering the same JSON, without any of the platform's middleware. The gap
 * to the node:http baseline is what the adapter and the framework cost; the gap to the platform
 * is what the platform's own pipeline costs.
 */
const app = new Hono();
app.post('/sim-swap/v2/check', async (c) => {
  await c.req.json();
  return c.json({ swapped: true });
});

const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  announce(info.port, () => {
    if ('closeAllConnections' in server) server.closeAllConnections();
    return new Promise((resolve) => server.close(() => resolve()));
  });
});
