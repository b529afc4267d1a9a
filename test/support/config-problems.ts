import { ConfigError, parseConfig } from '../../src/config.js';

/** The problems parseConfig reports for `env` (none: []); any other error is thrown. */
export function configProblems(env: Record<string, string>): string[] {
  try {
    parseConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}
