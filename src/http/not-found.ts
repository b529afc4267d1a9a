/**
 * For 405: the methods that a path does answer to. Route paths may hold `:param` segments.
 * Matching is exact, as the router's is (strict paths): `/check/` is not `/check`, so it is a
 * 404, not a 405 whose Allow header would name the very method that was used.
 */
export function methodNotAllowed(
  routes: readonly { method: string; path: string }[],
  path: string,
): string[] {
  const methods = new Set<string>();
  for (const route of routes) {
    if (route.method === 'ALL') continue;
    const pattern = new RegExp(
      `^${route.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\/:[^/]+/g, '/[^/]+')}$`,
    );
    if (pattern.test(path)) methods.add(route.method);
  }
  return [...methods].sort();
}
