import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/**
 * The upstream CAMARA OpenAPI files (read in place, never copied into the project) and a small
 * OpenAPI 3.0 schema checker for response bodies: types, required, nullable, enum, pattern,
 * bounds, date-time with a time zone, allOf and $ref. Responses are checked strictly: a property
 * the schema does not declare is an error, whatever `additionalProperties` says.
 */

type Schema = Record<string, unknown>;
export type OpenApiDocument = Record<string, unknown>;

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Walks up from the repository root to the shared `camara/openapi` folder. */
export function sharedOpenapiDir(): string {
  for (let dir = repoRoot; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'shared', 'camara', 'openapi');
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) throw new Error('shared/camara/openapi not found above the repository');
  }
}

const cache = new Map<string, OpenApiDocument>();

export function upstreamSpec(file: string): OpenApiDocument {
  let doc = cache.get(file);
  if (doc === undefined) {
    doc = parse(readFileSync(path.join(sharedOpenapiDir(), file), 'utf8')) as OpenApiDocument;
    cache.set(file, doc);
  }
  return doc;
}

function resolve(doc: OpenApiDocument, node: Schema): Schema {
  let current = node;
  while (typeof current.$ref === 'string') {
    const ref = current.$ref;
    if (!ref.startsWith('#/')) throw new Error(`external $ref not supported: ${ref}`);
    let target: unknown = doc;
    for (const part of ref.slice(2).split('/')) target = (target as Record<string, unknown>)[part];
    if (target === undefined) throw new Error(`unresolved $ref ${ref}`);
    current = target as Schema;
  }
  return current;
}

/** The JSON schema of an operation's response (`paths[p][method].responses[status]`). */
export function responseSchema(doc: OpenApiDocument, p: string, method: string, status: number): Schema {
  const paths = doc.paths as Record<string, Record<string, { responses: Record<string, Schema> }>>;
  const response = paths[p]?.[method]?.responses[String(status)];
  if (response === undefined) throw new Error(`${method.toUpperCase()} ${p} documents no ${status}`);
  const content = resolve(doc, response).content as Record<string, { schema: Schema }>;
  const json = content['application/json'];
  if (json === undefined) throw new Error(`${status} of ${p} has no application/json content`);
  return json.schema;
}

export function componentSchema(name: string): Schema {
  return { $ref: `#/components/schemas/${name}` };
}

// RFC 3339 §5.6 date-time; CAMARA: "must have time zone" (Z or ±hh:mm).
const DATE_TIME =
  /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/i;

export function isRfc3339DateTime(value: string): boolean {
  return DATE_TIME.test(value) && !Number.isNaN(Date.parse(value));
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** Every property name an object schema declares, through allOf. */
function declared(doc: OpenApiDocument, node: Schema): Set<string> {
  const s = resolve(doc, node);
  const names = new Set(Object.keys((s.properties as Record<string, unknown> | undefined) ?? {}));
  for (const part of (s.allOf as Schema[] | undefined) ?? [])
    for (const n of declared(doc, part)) names.add(n);
  return names;
}

/** Errors of `value` against `node` (empty when valid). */
export function schemaErrors(doc: OpenApiDocument, node: Schema, value: unknown, at = '$'): string[] {
  const s = resolve(doc, node);
  const errors: string[] = [];
  if (Array.isArray(s.allOf)) {
    // Each part declares only some of the properties: extras are judged against their union.
    for (const part of s.allOf as Schema[]) {
      errors.push(...schemaErrors(doc, part, value, at).filter((e) => !isExtraAt(e, at)));
    }
    if (typeOf(value) === 'object') errors.push(...extras(doc, s, value as Record<string, unknown>, at));
  }
  if (value === null) {
    if (s.type !== undefined && s.nullable !== true) errors.push(`${at}: null is not allowed`);
    return errors;
  }
  const actual = typeOf(value);
  if (typeof s.type === 'string' && s.type !== actual && !(s.type === 'number' && actual === 'integer')) {
    return [...errors, `${at}: expected ${s.type}, got ${actual}`];
  }
  if (Array.isArray(s.enum) && !s.enum.includes(value))
    errors.push(`${at}: ${JSON.stringify(value)} not in enum`);
  if (typeof value === 'string') {
    if (typeof s.pattern === 'string' && !new RegExp(s.pattern).test(value)) errors.push(`${at}: pattern`);
    if (s.format === 'date-time' && !isRfc3339DateTime(value))
      errors.push(`${at}: not an RFC 3339 date-time`);
  }
  if (typeof value === 'number') {
    if (typeof s.minimum === 'number' && value < s.minimum) errors.push(`${at}: below minimum`);
    if (typeof s.maximum === 'number' && value > s.maximum) errors.push(`${at}: above maximum`);
  }
  if (actual === 'array' && s.items !== undefined) {
    (value as unknown[]).forEach((item, i) =>
      errors.push(...schemaErrors(doc, s.items as Schema, item, `${at}[${i}]`)),
    );
  }
  if (actual === 'object' && (s.properties !== undefined || s.type === 'object')) {
    const obj = value as Record<string, unknown>;
    for (const name of (s.required as string[] | undefined) ?? []) {
      if (!(name in obj)) errors.push(`${at}.${name}: required`);
    }
    const props = (s.properties as Record<string, Schema> | undefined) ?? {};
    for (const [name, sub] of Object.entries(props)) {
      if (name in obj) errors.push(...schemaErrors(doc, sub, obj[name], `${at}.${name}`));
    }
    if (!Array.isArray(s.allOf)) errors.push(...extras(doc, s, obj, at));
  }
  return errors;
}

const EXTRA = ': not declared by the schema';
const isExtraAt = (e: string, at: string) =>
  e.endsWith(EXTRA) && e.startsWith(`${at}.`) && !/[.[]/.test(e.slice(at.length + 1, -EXTRA.length));

function extras(doc: OpenApiDocument, s: Schema, obj: Record<string, unknown>, at: string): string[] {
  const names = declared(doc, s);
  return Object.keys(obj)
    .filter((k) => !names.has(k))
    .map((k) => `${at}.${k}${EXTRA}`);
}
