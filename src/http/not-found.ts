/**
 * For 405: the methods that a path does answer to. Route paths may hold `:param` segments.
 */
export function methodNotAllowed(
  routes: readonly { method: string; path: string }[],
  path: string,
): string[] {
  const methods = new Set<string>();
  for (const route of routes) {
    if (route.method === 'ALL') continue;
    const pattern = new RegExp(
      `^${route.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\/:[^/]+/g, '/[^/]+')}/?$`,
    );
    if (pattern.test(path)) methods.add(route.method);
  }
  return [...methods].sort();
}
