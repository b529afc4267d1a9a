import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { OAUTH_ERRORS } from '../../src/errors.js';
import { REPO_ROOT } from './openapi.js';

/**
 * What a handler's code can do, read from the sources: the modules it can run (value imports
 * followed from its module; through a module that only re-exports, only to the modules that
 * define the imported names), the OAuth error codes they name and the request parameters they
 * read. Over-approximates within a module (every import of a module it runs is followed).
 */

type Import = { target: string; names: string[] | undefined };
type Module = { imports: Import[]; reexports: Import[]; pure: boolean; code: string };

const cache = new Map<string, Module>();

/** Comments out: `//` after `:` is kept (URLs in strings). */
const stripComments = (source: string) =>
  source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');

function resolveSpecifier(from: string, specifier: string): string {
  const base = join(dirname(from), specifier.replace(/\.js$/, ''));
  for (const candidate of [`${base}.ts`, join(base, 'index.ts')]) if (existsSync(candidate)) return candidate;
  throw new Error(`cannot resolve ${specifier} from ${from}`);
}

/** `{ a, type B, c as d }` → ['a', 'c'] (the exported names); undefined for `* as x` / default. */
function valueNames(clause: string): string[] | undefined {
  const braces = /\{([^}]*)\}/.exec(clause);
  if (braces === null) return undefined;
  return (braces[1] as string)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '' && !s.startsWith('type '))
    .map((s) => (s.split(/\s+as\s+/)[0] as string).trim());
}

function load(file: string): Module {
  const known = cache.get(file);
  if (known !== undefined) return known;
  const code = stripComments(readFileSync(file, 'utf8'));
  const imports: Import[] = [];
  const reexports: Import[] = [];
  let rest = code;
  for (const m of code.matchAll(/^import\s+([^;]*?)\s+from\s+'(\.[^']*)';/gm)) {
    rest = rest.replace(m[0], '');
    const clause = m[1] as string;
    if (clause.startsWith('type ')) continue;
    const names = valueNames(clause);
    if (names !== undefined && names.length === 0) continue; // types only
    imports.push({ target: resolveSpecifier(file, m[2] as string), names });
  }
  for (const m of code.matchAll(/^export\s+(type\s+)?(\*|\{[^}]*\})\s+from\s+'(\.[^']*)';/gm)) {
    rest = rest.replace(m[0], '');
    if (m[1] !== undefined) continue;
    const names = m[2] === '*' ? undefined : valueNames(m[2] as string);
    if (names !== undefined && names.length === 0) continue;
    reexports.push({ target: resolveSpecifier(file, m[3] as string), names });
  }
  const module = { imports, reexports, pure: rest.trim() === '', code };
  cache.set(file, module);
  return module;
}

/** The modules that running `names` of `file` (all of it when undefined) can execute. */
export function reachableModules(file: string, names?: string[], seen = new Set<string>()): Set<string> {
  const key = `${file}#${names?.slice().sort().join(',') ?? '*'}`;
  if (seen.has(key)) return seen;
  seen.add(key);
  const module = load(file);
  for (const reexport of module.reexports) {
    const wanted =
      names === undefined ? reexport.names : names.filter((n) => reexport.names?.includes(n) ?? true);
    if (names === undefined || (wanted?.length ?? 1) > 0) reachableModules(reexport.target, wanted, seen);
  }
  if (!module.pure) {
    seen.add(file);
    for (const i of module.imports) reachableModules(i.target, i.names, seen);
  }
  return seen;
}

/** Only the files of a reachableModules set. */
export const filesOf = (reached: Set<string>): string[] => [...reached].filter((k) => !k.includes('#'));

/** The module that `file` imports `name` from, followed through re-exports to its definition. */
export function definingModule(file: string, name: string): string {
  const module = load(file);
  const origin = [...module.imports, ...module.reexports].find((i) => i.names?.includes(name));
  if (origin === undefined) return file;
  const target = load(origin.target);
  const reexported = target.reexports.some((r) => r.names?.includes(name));
  return reexported ? definingModule(origin.target, name) : origin.target;
}

const ERRORS_FILE = join(REPO_ROOT, 'src/errors.ts');

/**
 * The OAuth error codes a file passes as the first argument of a call: `new OAuthError('x', …)`
 * and the helpers that build one (`tokenError('slow_down', …)`). errors.ts itself is excluded.
 */
export function oauthCodesIn(file: string): Set<string> {
  if (file === ERRORS_FILE) return new Set();
  const codes = new Set<string>();
  for (const m of load(file).code.matchAll(/\(\s*'([a-z_]+)'/g)) {
    if ((m[1] as string) in OAUTH_ERRORS) codes.add(m[1] as string);
  }
  return codes;
}

/** The request parameters a file reads: `form|params|clear|signed.get|has('x')`, `c.req.query('x')`. */
export function parametersIn(file: string): Set<string> {
  const code = load(file).code;
  const found = new Set<string>();
  for (const m of code.matchAll(/\b(?:form|params|clear|signed)\.(?:get|has)\(\s*'([a-z_]+)'/g)) {
    found.add(m[1] as string);
  }
  for (const m of code.matchAll(/\bc\.req\.query\(\s*'([a-z_]+)'/g)) found.add(m[1] as string);
  return found;
}

/** Union of a per-file set over files, with where each item comes from. */
export function collect(files: string[], per: (file: string) => Set<string>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const file of files) {
    for (const item of per(file)) out.set(item, [...(out.get(item) ?? []), relative(REPO_ROOT, file)]);
  }
  return out;
}
