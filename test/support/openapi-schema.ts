import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2019, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2019.js';
import addFormats from 'ajv-formats';
import type { CamaraApi } from '../../scripts/camara-facts-extract.js';

/**
 * The facts of the upstream CAMARA OpenAPI files (test/fixtures/camara, written by
 * `npm run camara:facts`) and the check of a body against one of their schemas, done by ajv.
 * OpenAPI 3.0 schemas are translated to JSON Schema first (nullable, boolean exclusive bounds,
 * discriminator). Responses are checked strictly: an object schema (declared properties, `type:
 * object` or a composition) that does not say what it allows beyond its properties allows nothing
 * else; with allOf/oneOf/anyOf the allowed names are the union of what the parts declare.
 */

type Schema = Record<string, unknown>;
export type OpenApiDocument = Record<string, unknown>;

const fixtureDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/camara');
const cache = new Map<string, OpenApiDocument>();

/** The committed facts of one upstream CAMARA API (its paths, schemas, statuses and error codes). */
export function camaraFacts(api: CamaraApi): OpenApiDocument {
  let doc = cache.get(api);
  if (doc === undefined) {
    doc = JSON.parse(readFileSync(path.join(fixtureDir, `${api}.json`), 'utf8')) as OpenApiDocument;
    cache.set(api, doc);
  }
  return doc;
}

function resolve(doc: OpenApiDocument, node: Schema, trail: readonly string[] = []): Schema {
  let current = node;
  while (typeof current.$ref === 'string') {
    const ref = current.$ref;
    if (!ref.startsWith('#/')) throw new Error(`external $ref not supported: ${ref}`);
    if (trail.includes(ref)) throw new Error(`recursive $ref ${ref} not supported`);
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

// RFC 3339 §5.6 date-time; CAMARA: "must have time zone" (Z or ±hh:mm). Stricter than ajv-formats'
// date-time, which also takes a space for the T and a zone without its colon.
const DATE_TIME =
  /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/i;

export function isRfc3339DateTime(value: string): boolean {
  return DATE_TIME.test(value) && !Number.isNaN(Date.parse(value));
}

// unicodeRegExp off: upstream patterns are ECMA-262 regexes as OpenAPI 3.0 writes them, without `u`.
const ajv = new Ajv2019({ allErrors: true, strictTypes: false, allowUnionTypes: true, unicodeRegExp: false });
addFormats(ajv);
ajv.addFormat('date-time', isRfc3339DateTime);

const isObject = (v: unknown): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * An OpenAPI 3.0 schema as JSON Schema 2019-09, `$ref`s inlined. `part` is a schema whose
 * properties are judged together with its siblings' (an allOf/oneOf/anyOf member): only the
 * composing schema closes the set of names, through `unevaluatedProperties`.
 */
export function toJsonSchema(
  doc: OpenApiDocument,
  node: unknown,
  part = false,
  trail: string[] = [],
): Schema {
  if (!isObject(node)) throw new Error(`expected a schema, got ${JSON.stringify(node)}`);
  if (typeof node.$ref === 'string') {
    return toJsonSchema(doc, resolve(doc, node, trail), part, [...trail, node.$ref]);
  }
  // discriminator only names the member to pick; oneOf/allOf already say what is valid.
  const { nullable, discriminator: _d, allOf, oneOf, anyOf, not, properties, items, ...rest } = node;
  const out: Schema = { ...rest };
  for (const [bound, exclusive] of [
    ['minimum', 'exclusiveMinimum'],
    ['maximum', 'exclusiveMaximum'],
  ] as const) {
    // OpenAPI 3.0 (draft 4): `exclusiveMinimum: true` makes `minimum` exclusive.
    if (typeof out[exclusive] === 'boolean') {
      if (out[exclusive] === true) out[exclusive] = out[bound];
      else delete out[exclusive];
      if (out[exclusive] !== undefined) delete out[bound];
    }
  }
  const members = (list: unknown) => (list as unknown[]).map((m) => toJsonSchema(doc, m, true, trail));
  if (Array.isArray(allOf)) out.allOf = members(allOf);
  if (Array.isArray(oneOf)) out.oneOf = members(oneOf);
  if (Array.isArray(anyOf)) out.anyOf = members(anyOf);
  if (not !== undefined) out.not = toJsonSchema(doc, not, true, trail);
  if (isObject(properties)) {
    out.properties = Object.fromEntries(
      Object.entries(properties).map(([name, p]) => [name, toJsonSchema(doc, p, false, trail)]),
    );
  }
  if (items !== undefined) out.items = toJsonSchema(doc, items, false, trail);
  if (isObject(out.additionalProperties)) {
    out.additionalProperties = toJsonSchema(doc, out.additionalProperties, false, trail);
  }
  const composed = out.allOf ?? out.oneOf ?? out.anyOf;
  if (!part && out.additionalProperties === undefined) {
    if (out.properties !== undefined || out.type === 'object' || composed !== undefined) {
      out.unevaluatedProperties = false;
    }
  }
  if (nullable !== true) return out;
  // OpenAPI 3.0 `nullable: true`: null is one more allowed value of this schema.
  if (typeof out.type === 'string') {
    out.type = [out.type, 'null'];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    return out;
  }
  return { anyOf: [{ type: 'null' }, out] };
}

const compiled = new WeakMap<OpenApiDocument, Map<string, ValidateFunction>>();

function validator(doc: OpenApiDocument, node: Schema): ValidateFunction {
  let byNode = compiled.get(doc);
  if (byNode === undefined) compiled.set(doc, (byNode = new Map()));
  const key = JSON.stringify(node);
  const known = byNode.get(key);
  if (known !== undefined) return known;
  const validate = ajv.compile(toJsonSchema(doc, node));
  byNode.set(key, validate);
  return validate;
}

function describe(e: ErrorObject): string {
  const at = `$${e.instancePath.replace(/\//g, '.')}`;
  if (e.keyword === 'unevaluatedProperties') {
    return `${at}.${String(e.params.unevaluatedProperty)}: not declared by the schema`;
  }
  if (e.keyword === 'required') return `${at}.${String(e.params.missingProperty)}: required`;
  return `${at}: ${e.message ?? e.keyword}`;
}

/** Errors of `value` against `node` (empty when valid), one line per ajv error. */
export function schemaErrors(doc: OpenApiDocument, node: Schema, value: unknown): string[] {
  const validate = validator(doc, node);
  return validate(value) ? [] : [...new Set((validate.errors ?? []).map(describe))];
}
