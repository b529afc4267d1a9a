/**
 * The facts of a CAMARA OpenAPI document that the tests check the platform against: its structure
 * (paths, methods, parameters, headers, schemas with their types, required lists, patterns, enums,
 * bounds, formats, nullable and composition, response statuses and error codes) without any of
 * its prose (descriptions, summaries, titles, examples, external links, x- notes). The project
 * keeps these facts, not a copy of the upstream text.
 */
import { format, resolveConfig } from 'prettier';
import { parse } from 'yaml';

export type Json = Record<string, unknown>;

/** The APIs whose facts are kept: the three served today and the subscriptions API to come. */
export const CAMARA_APIS = [
  'sim-swap',
  'sim-swap-subscriptions',
  'kyc-match',
  'number-verification',
] as const;
export type CamaraApi = (typeof CAMARA_APIS)[number];

// Wording, never structure. `info.license`/`contact` name the upstream's, not a fact of the API.
const PROSE = new Set([
  'description',
  'summary',
  'title',
  'example',
  'examples',
  'externalDocs',
  'termsOfService',
  'contact',
  'license',
]);
// The one x- extension that is a fact (the Commonalities version the API is built on), not a note.
const KEPT_EXTENSIONS = new Set(['x-camara-commonalities']);
// Keys whose object value is keyed by names (paths, properties, statuses...), not by keywords: a
// property called `description` or a header called `x-correlator` is kept.
const NAMED = new Set([
  'paths',
  'properties',
  'patternProperties',
  'schemas',
  'parameters',
  'headers',
  'responses',
  'content',
  'securitySchemes',
  'requestBodies',
  'links',
  'encoding',
  'variables',
]);
// Values taken as they are (data, not schema keywords).
const VALUES = new Set(['enum', 'default', 'const', 'required', 'mapping']);

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function keywords(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(keywords);
  if (!isObject(node)) return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node)) {
    if (PROSE.has(key) || (key.startsWith('x-') && !KEPT_EXTENSIONS.has(key))) continue;
    if (VALUES.has(key)) out[key] = value;
    else if (key === 'scopes' && isObject(value)) out[key] = mapValues(value, () => '');
    else if (key === 'callbacks' && isObject(value)) out[key] = mapValues(value, named);
    else if (NAMED.has(key) && isObject(value)) out[key] = named(value);
    else out[key] = keywords(value);
  }
  return out;
}

function named(node: unknown): unknown {
  return isObject(node) ? mapValues(node, keywords) : keywords(node);
}

const mapValues = (o: Json, f: (v: unknown) => unknown): Json =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v)]));

/** The same value with every object's keys in code-point order (stable bytes across runs). */
function sortKeys(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(sortKeys);
  if (!isObject(node)) return node;
  return Object.fromEntries(
    Object.keys(node)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
      .map((k) => [k, sortKeys(node[k])]),
  );
}

/**
 * Brings every `$ref` into the document: a reference into another file
 * (`CAMARA_common.yaml#/components/schemas/X`) is copied under the same pointer of this document
 * and rewritten as a local one, so the fixture resolves on its own.
 */
function inlineExternalRefs(doc: Json, load: (file: string) => Json): Json {
  const brought: Record<string, Json> = {};
  const visit = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(visit);
    if (!isObject(node)) return node;
    const ref = node.$ref;
    if (typeof ref !== 'string' || ref.startsWith('#')) return mapValues(node, visit);
    const [file = '', pointer = ''] = ref.split('#');
    const parts = pointer.split('/').slice(1);
    if (parts[0] !== 'components' || parts.length !== 3)
      throw new Error(`cannot bring in $ref ${ref}: only #/components/<kind>/<name> is supported`);
    const [, kind, name] = parts as [string, string, string];
    const target = (load(file).components as Record<string, Json> | undefined)?.[kind]?.[name];
    if (target === undefined) throw new Error(`dangling $ref ${ref}`);
    const local = (brought[kind] ??= {});
    if (!(name in local)) {
      local[name] = {}; // a reference cycle stops here
      local[name] = visit(target);
    }
    return { ...node, $ref: `#/components/${kind}/${name}` };
  };
  const out = visit(doc) as Json;
  const components = { ...((out.components as Json | undefined) ?? {}) };
  for (const [kind, entries] of Object.entries(brought)) {
    const own = (components[kind] as Json | undefined) ?? {};
    for (const name of Object.keys(entries))
      if (name in own)
        throw new Error(`$ref brings in components.${kind}.${name}, which the document has already`);
    components[kind] = { ...own, ...entries };
  }
  return Object.keys(brought).length === 0 ? out : { ...out, components };
}

/** The facts of one upstream document (its YAML text), `load` reading a sibling file by name. */
export function factsOf(yamlText: string, load: (file: string) => string): Json {
  const cache = new Map<string, Json>();
  const loadDoc = (file: string) => {
    let doc = cache.get(file);
    if (doc === undefined) cache.set(file, (doc = parse(load(file)) as Json));
    return doc;
  };
  const doc = inlineExternalRefs(parse(yamlText) as Json, loadDoc);
  return sortKeys(keywords(doc)) as Json;
}

/** The fixture text: JSON formatted by the project's prettier settings, so `prettier --check` holds. */
export async function renderFacts(facts: Json, fixturePath: string): Promise<string> {
  const options = (await resolveConfig(fixturePath)) ?? {};
  return format(JSON.stringify(facts), { ...options, filepath: fixturePath });
}
