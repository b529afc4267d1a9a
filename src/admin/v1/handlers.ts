import type { Context } from 'hono';
import type { Env } from '../../http/env.js';
import type { AdminRouteName } from './openapi.js';
import type { AdminAction } from './roles.js';

/** A route's permission (undefined: any authenticated principal) and its handler. */
export type AdminHandler = readonly [AdminAction | undefined, (c: Context<Env>) => Promise<Response>];
export type AdminHandlers = Partial<Record<AdminRouteName, AdminHandler>>;
