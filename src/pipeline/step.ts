import type { Context, MiddlewareHandler } from 'hono';
import type { Env } from '../http/env.js';
import { StoreBatch } from '../store/batch.js';

/** What a step answers once the store replied: throws its refusal, or lets the call go on. */
export type Check = () => void | Promise<void>;

/**
 * One named step of the resource pipeline (DESIGN §2), in two halves around the call's single
 * store round trip. `read` runs first, in table order: it may refuse at once from what it has
 * in hand (a missing token), and adds the store reads its answer needs to the call's batch.
 * The batch is then sent once, and the checks `read` returned run in table order, so that the
 * answers keep the table's order whatever was read together (a call refused by the rate limit
 * never learns what the legal basis would have said).
 */
export type Step = {
  name: string;
  read(c: Context<Env>, batch: StoreBatch): Check | undefined | Promise<Check | undefined>;
};

/** The steps as one middleware: every read, one round trip, every check, then the route. */
export function runSteps(steps: readonly Step[]): MiddlewareHandler<Env> {
  return async (c, next) => {
    const batch = new StoreBatch(c.get('deps').store);
    const checks: Check[] = [];
    for (const step of steps) {
      const read = step.read(c, batch);
      const check = read instanceof Promise ? await read : read;
      if (check !== undefined) checks.push(check);
    }
    await batch.exec();
    // A check that answers synchronously is not awaited: no promise and no turn per step.
    for (const check of checks) {
      const pending = check();
      if (pending !== undefined) await pending;
    }
    await next();
  };
}
