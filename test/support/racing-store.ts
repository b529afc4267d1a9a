import type { Store } from '../../src/store/port.js';

/** What the racing store adds to the store it wraps. */
export type Racing = {
  /**
   * Runs `write` once, right before the next compare-and-set (Store.replace) reaches the store:
   * another request's edit landing between an edit's read and its write. Queued writes run one
   * per replace, in order.
   */
  raceNext(write: () => Promise<void>): void;
  /** The compare-and-sets asked of the store so far, won or lost. */
  readonly replaces: number;
};

/**
 * The store, whose compare-and-sets meet concurrent writes on demand, deterministically (no timing):
 * for tests of the registries' read-modify-write (src/admin/record-update.ts).
 */
export function racingStore<S extends Store>(store: S): S & Racing {
  const queued: (() => Promise<void>)[] = [];
  let replaces = 0;
  const replace = async (key: string, expected: string | null, value: string) => {
    replaces++;
    // Taken off the queue before it runs: a racing write that edits through replace runs plainly.
    const write = queued.shift();
    if (write !== undefined) await write();
    return store.replace(key, expected, value);
  };
  const racing: Racing = {
    raceNext: (write) => void queued.push(write),
    get replaces() {
      return replaces;
    },
  };
  return new Proxy(store, {
    get(target, property) {
      if (property === 'replace') return replace;
      if (property === 'raceNext' || property === 'replaces') return racing[property];
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as S & Racing;
}
