import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openApiFiles } from '../../scripts/openapi-documents.js';

/**
 * Reading OpenAPI documents in tests: a `$ref` resolver, a normalised view of schemas and a
 * structural comparison of a generated document with the upstream CAMARA facts of the same API.
 */

export type Json = Record<string, unknown>;

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The document generated from the code for one API (what openapi/<api>.yaml holds). */
export function generatedDocument(api: string): Json {
  const file = openApiFiles().find((f) => f.file === `${api}.yaml`);
  if (file === undefined) throw new Error(`no generated document for ${api}`);
  return file.document;
}

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const asObject = (value: unknown): Json => (isObject(value) ? value : {});

/** Follows local `$ref`s (`#/components/...`) until a plain object; throws on a dangling one. */
export function deref(doc: Json, node: unknown): Json {
  const seen = new Set<string>();
  let current = node;
  while (isObject(current) && typeof current.$ref === 'string') {
    const ref = current.$ref;
    if (!ref.startsWith('#/')) throw new Error(`external $ref not supported: ${ref}`);
    if (seen.has(ref)) throw new Error(`$ref cycle at ${ref}`);
    seen.add(ref);
    let target: unknown = doc;
    for (const raw of ref.slice(2).split('/')) {
      target = asObject(target)[raw.replace(/~1/g, '/').replace(/~0/g, '~')];
    }
    if (target === undefined) throw new Error(`dangling $ref ${ref}`);
    current = target;
  }
  if (!isObject(current)) throw new Error(`expected an object, got ${JSON.stringify(current)}`);
  return current;
}

/**
 * A schema reduced to what constrains a value: `$ref`s resolved and `allOf` merged. Descriptions,
 * examples and titles are left out (wording is not conformance). `additionalProperties` is left
 * out too: DESIGN §2 step 4 rejects unknown properties (`additionalProperties: false`), where
 * CAMARA leaves them open; a stricter request schema is a deliberate choice of this platform.
 */
export type Shape = {
  type?: string;
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number | boolean;
  exclusiveMaximum?: number | boolean;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  multipleOf?: number;
  default?: unknown;
  nullable: boolean;
  enum?: unknown[];
  required?: string[];
  properties?: Record<string, Shape>;
  items?: Shape;
  oneOf?: Shape[];
  anyOf?: Shape[];
  recursive?: string;
};

const SCALARS = [
  'type',
  'format',
  'pattern',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'multipleOf',
  'default',
] as const;

const sortValues = (values: unknown[]) =>
  [...values].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));

export function shapeOf(doc: Json, node: unknown, refs: readonly string[] = []): Shape {
  const ref = isObject(node) && typeof node.$ref === 'string' ? node.$ref : undefined;
  if (ref !== undefined && refs.includes(ref)) return { nullable: false, recursive: ref };
  const trail = ref === undefined ? refs : [...refs, ref];
  const schema = deref(doc, node);
  // allOf is a conjunction: the schema's own keywords and every part must all hold. Both sides are
  // merged, so `allOf: [$ref ErrorInfo, {narrowing}]` (upstream and zod's z.intersection) and a
  // flattened object compare equal when they accept the same values.
  const { allOf, ...own } = schema;
  const parts = Array.isArray(allOf) ? allOf.map((p) => shapeOf(doc, p, trail)) : [];
  const shape: Shape = { nullable: own.nullable === true };
  for (const key of SCALARS) if (own[key] !== undefined) (shape as Json)[key] = own[key];
  if (Array.isArray(own.enum)) shape.enum = sortValues(own.enum);
  if (Array.isArray(own.required)) shape.required = [...(own.required as string[])].sort();
  if (isObject(own.properties)) {
    shape.properties = Object.fromEntries(
      Object.entries(own.properties).map(([name, p]) => [name, shapeOf(doc, p, trail)]),
    );
  }
  if (own.items !== undefined) shape.items = shapeOf(doc, own.items, trail);
  for (const key of ['oneOf', 'anyOf'] as const) {
    const list = own[key];
    if (Array.isArray(list)) shape[key] = list.map((p) => shapeOf(doc, p, trail));
  }
  return parts.reduce(merge, shape);
}

/** The conjunction of two shapes (one allOf step). */
function merge(a: Shape, b: Shape): Shape {
  const out: Shape = { ...a, ...b };
  // A schema that is `integer` in one part and `number` in the other accepts integers.
  if (a.type !== undefined && b.type !== undefined && a.type !== b.type) {
    out.type = [a.type, b.type].every((t) => t === 'integer' || t === 'number')
      ? 'integer'
      : `${a.type} & ${b.type}`;
  } else out.type = a.type ?? b.type;
  // OpenAPI 3.0: `nullable` only widens the schema it sits on; in allOf, null must pass every part.
  // The idiom `allOf: [$ref], nullable: true` is meant as "nullable", hence a part that says
  // nothing does not veto it.
  out.nullable = a.nullable || b.nullable;
  if (a.enum !== undefined && b.enum !== undefined) {
    const other = new Set(b.enum.map((v) => JSON.stringify(v)));
    out.enum = a.enum.filter((v) => other.has(JSON.stringify(v)));
  }
  if (a.required !== undefined || b.required !== undefined) {
    out.required = [...new Set([...(a.required ?? []), ...(b.required ?? [])])].sort();
  }
  if (a.properties !== undefined && b.properties !== undefined) {
    const properties: Record<string, Shape> = { ...a.properties };
    for (const [name, p] of Object.entries(b.properties)) {
      const mine = properties[name];
      properties[name] = mine === undefined ? p : merge(mine, p);
    }
    out.properties = properties;
  }
  if (a.items !== undefined && b.items !== undefined) out.items = merge(a.items, b.items);
  for (const key of ['pattern', 'format', 'default'] as const) {
    if (a[key] !== undefined && b[key] !== undefined && JSON.stringify(a[key]) !== JSON.stringify(b[key])) {
      (out as Json)[key] = `${JSON.stringify(a[key])} & ${JSON.stringify(b[key])}`;
    }
  }
  for (const key of ['minimum', 'minLength', 'minItems'] as const) {
    if (a[key] !== undefined && b[key] !== undefined) out[key] = Math.max(a[key], b[key]);
  }
  for (const key of ['maximum', 'maxLength', 'maxItems'] as const) {
    if (a[key] !== undefined && b[key] !== undefined) out[key] = Math.min(a[key], b[key]);
  }
  return out;
}

/** Every difference between two shapes, as `where: generated ≠ upstream` lines. */
export function diffShapes(where: string, generated: Shape, upstream: Shape, out: string[] = []): string[] {
  const show = (v: unknown) => (v === undefined ? '(none)' : JSON.stringify(v));
  for (const key of [...SCALARS, 'nullable', 'enum', 'required', 'recursive'] as const) {
    const [g, u] = [generated[key], upstream[key]];
    if (JSON.stringify(g) !== JSON.stringify(u))
      out.push(`${where} ${key}: generated ${show(g)} ≠ upstream ${show(u)}`);
  }
  const gp = generated.properties ?? {};
  const up = upstream.properties ?? {};
  const names = (o: object) => Object.keys(o).sort();
  if (JSON.stringify(names(gp)) !== JSON.stringify(names(up))) {
    out.push(`${where} properties: generated ${show(names(gp))} ≠ upstream ${show(names(up))}`);
  }
  for (const [name, g] of Object.entries(gp)) {
    const u = up[name];
    if (u !== undefined) diffShapes(`${where}.${name}`, g, u, out);
  }
  if (generated.items !== undefined || upstream.items !== undefined) {
    if (generated.items === undefined || upstream.items === undefined)
      out.push(`${where}[] items: one side only`);
    else diffShapes(`${where}[]`, generated.items, upstream.items, out);
  }
  for (const key of ['oneOf', 'anyOf'] as const) {
    const [g, u] = [generated[key] ?? [], upstream[key] ?? []];
    if (g.length !== u.length)
      out.push(`${where} ${key}: generated ${g.length} ≠ upstream ${u.length} alternatives`);
    else g.forEach((alt, i) => diffShapes(`${where} ${key}[${i}]`, alt, u[i] as Shape, out));
  }
  return out;
}
