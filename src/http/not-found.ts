type Route = { method: string; path: string };

const patterns = new Map<string, RegExp>();

/** A route path (`:param` segments allowed) as an exact-match pattern, compiled once. */
function patternOf(path: string): RegExp {
  let pattern = patterns.get(path);
  if (pattern === undefined) {
    pattern = new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\/:[^/]+/g, '/[^/]+')}$`);
    patterns.set(path, pattern);
  }
  return pattern;
}

/**
 * For 405: the methods that a path does answer to. Route paths may hold `:param` segments.
 * Matching is exact, as the router's is (strict paths): `/check/` is not `/check`, so it is a
 * 404, not a 405 whose Allow header would name the very method that was used.
 */
export function methodNotAllowed(routes: readonly Route[], path: string): string[] {
  const methods = new Set<string>();
  for (const route of routes) {
    if (route.method === 'ALL') continue;
    if (patternOf(route.path).test(path)) methods.add(route.method);
  }
  return [...methods].sort();
}

/** True when a route answers this method at this path (the request is not a 404 or a 405). */
export function isRouted(routes: readonly Route[], method: string, path: string): boolean {
  return routes.some((r) => (r.method === method || r.method === 'ALL') && patternOf(r.path).test(path));
}
