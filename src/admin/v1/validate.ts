import type { Context } from 'hono';
import type { z } from 'zod';
import type { Env } from '../../http/env.js';
import { checkJsonBody, jsonValue } from '../../http/json-body.js';
import { validationHook } from '../../http/validation-hook.js';

/**
 * The request's JSON body through its strict schema: 415, 413 and 400 exactly as on the CAMARA
 * APIs (http/json-body.ts, http/validation-hook.ts), unknown properties included.
 */
export async function bodyOf<T extends z.ZodType>(c: Context<Env>, schema: T): Promise<z.infer<T>> {
  await checkJsonBody(c, c.get('deps').config.maxBodyBytes);
  const result = schema.safeParse(jsonValue(c));
  validationHook(result);
  return result.data as z.infer<T>;
}

/** The query string through its strict schema (an unknown parameter is 400 too). */
export function queryOf<T extends z.ZodType>(c: Context<Env>, schema: T): z.infer<T> {
  const result = schema.safeParse(c.req.query());
  validationHook(result);
  return result.data as z.infer<T>;
}

/** A path parameter of the matched route (always present there; '' would match nothing). */
export const param = (c: Context<Env>, name: string): string => c.req.param(name) ?? '';
