import { deref, diffShapes, shapeOf, type Json, type Shape } from './openapi.js';

/**
 * Compares a generated OpenAPI document with the upstream CAMARA facts (test/fixtures/camara: the
 * structure of the upstream file, without its prose) of the same API, on what a
 * client relies on: API version and base path, paths and methods, operationIds, security
 * alternatives and scopes, parameters (x-correlator included), request and response bodies
 * (required fields, property names, types, formats, patterns, bounds, defaults, enums, nullable),
 * the response statuses with their error codes, and the response headers. Wording (summaries,
 * descriptions, examples) is not compared. Returns one line per difference; none means agreement.
 */
export function compareOpenApi(generated: Json, upstream: Json): string[] {
  const out: string[] = [];
  const sameList = (where: string, g: readonly string[], u: readonly string[]) => {
    const [gs, us] = [[...g].sort(), [...u].sort()];
    if (JSON.stringify(gs) !== JSON.stringify(us)) {
      out.push(`${where}: generated ${JSON.stringify(gs)} ≠ upstream ${JSON.stringify(us)}`);
    }
  };
  const same = (where: string, g: unknown, u: unknown) => {
    if (JSON.stringify(g) !== JSON.stringify(u)) {
      out.push(`${where}: generated ${JSON.stringify(g)} ≠ upstream ${JSON.stringify(u)}`);
    }
  };
  const shapes = (where: string, g: unknown, u: unknown) =>
    diffShapes(where, shapeOf(generated, g), shapeOf(upstream, u), out);

  same('info.version', asObject(generated.info).version, asObject(upstream.info).version);
  same('servers[0].url', serverUrl(generated), serverUrl(upstream));
  const [gOps, uOps] = [operations(generated), operations(upstream)];
  sameList('operations', [...gOps.keys()], [...uOps.keys()]);

  for (const [key, u] of uOps) {
    const g = gOps.get(key);
    if (g === undefined) continue;
    same(`${key} operationId`, g.operationId, u.operationId);
    sameList(`${key} security`, security(generated, g), security(upstream, u));
    for (const scheme of new Set(security(upstream, u).map((s) => s.split(':')[0] as string))) {
      const type = (doc: Json) => deref(doc, components(doc, 'securitySchemes')[scheme] ?? {}).type;
      same(`${key} securityScheme ${scheme} type`, type(generated), type(upstream));
    }

    const [gParams, uParams] = [parameters(generated, g), parameters(upstream, u)];
    sameList(`${key} parameters`, [...gParams.keys()], [...uParams.keys()]);
    for (const [name, up] of uParams) {
      const gp = gParams.get(name);
      if (gp === undefined) continue;
      same(`${key} parameter ${name} required`, gp.required === true, up.required === true);
      shapes(`${key} parameter ${name}`, gp.schema, up.schema);
    }

    const [gBody, uBody] = [optional(generated, g.requestBody), optional(upstream, u.requestBody)];
    same(`${key} requestBody present`, gBody !== undefined, uBody !== undefined);
    if (gBody !== undefined && uBody !== undefined) {
      same(`${key} requestBody required`, gBody.required === true, uBody.required === true);
      compareContent(`${key} requestBody`, gBody, uBody);
    }

    const [gResponses, uResponses] = [asObject(g.responses), asObject(u.responses)];
    sameList(`${key} responses`, Object.keys(gResponses), Object.keys(uResponses));
    for (const status of Object.keys(uResponses)) {
      if (gResponses[status] === undefined) continue;
      const where = `${key} ${status}`;
      const [gr, ur] = [deref(generated, gResponses[status]), deref(upstream, uResponses[status])];
      const [gHeaders, uHeaders] = [headers(generated, gr), headers(upstream, ur)];
      sameList(`${where} headers`, [...gHeaders.keys()], [...uHeaders.keys()]);
      for (const [name, uh] of uHeaders) {
        const gh = gHeaders.get(name);
        if (gh === undefined) continue;
        same(`${where} header ${name} required`, gh.required === true, uh.required === true);
        shapes(`${where} header ${name}`, gh.schema, uh.schema);
      }
      compareContent(where, gr, ur);
      sameList(`${where} error codes`, errorCodes(generated, gr), errorCodes(upstream, ur));
    }
  }
  return out;

  function compareContent(where: string, g: Json, u: Json) {
    const [gc, uc] = [asObject(g.content), asObject(u.content)];
    sameList(`${where} content types`, Object.keys(gc), Object.keys(uc));
    for (const type of Object.keys(uc)) {
      const gm = gc[type];
      if (gm !== undefined) shapes(`${where} ${type} schema`, asObject(gm).schema, asObject(uc[type]).schema);
    }
  }
}

const asObject = (value: unknown): Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};

const components = (doc: Json, kind: string) => asObject(asObject(doc.components)[kind]);

const optional = (doc: Json, node: unknown) => (node === undefined ? undefined : deref(doc, node));

/** The first server URL with its host part (`{apiRoot}` or a real host) removed. */
function serverUrl(doc: Json): string | undefined {
  const url = asObject((doc.servers as unknown[] | undefined)?.[0]).url;
  return typeof url === 'string' ? url.replace(/^(\{apiRoot\}|https?:\/\/[^/]+)/, '') : undefined;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** `METHOD /path` → operation, with the path item's parameters folded into each operation. */
function operations(doc: Json): Map<string, Json> {
  const ops = new Map<string, Json>();
  for (const [path, item] of Object.entries(asObject(doc.paths))) {
    const pathItem = asObject(item);
    for (const method of METHODS) {
      const op = pathItem[method];
      if (op === undefined) continue;
      const shared = (pathItem.parameters as unknown[] | undefined) ?? [];
      const own = (asObject(op).parameters as unknown[] | undefined) ?? [];
      ops.set(`${method.toUpperCase()} ${path}`, { ...asObject(op), parameters: [...shared, ...own] });
    }
  }
  return ops;
}

/** Security alternatives as `scheme:scope+scope` strings (the operation's, else the document's). */
function security(doc: Json, op: Json): string[] {
  const requirements = (op.security ?? doc.security ?? []) as Record<string, string[]>[];
  return requirements.map((alternative) =>
    Object.entries(alternative)
      .map(([scheme, scopes]) => `${scheme}:${[...scopes].sort().join('+')}`)
      .sort()
      .join(' & '),
  );
}

/** Parameters by `in:name` (header names are case-insensitive). */
function parameters(doc: Json, op: Json): Map<string, Json> {
  const out = new Map<string, Json>();
  for (const p of op.parameters as unknown[]) {
    const param = deref(doc, p);
    const name = String(param.name);
    out.set(`${String(param.in)}:${param.in === 'header' ? name.toLowerCase() : name}`, param);
  }
  return out;
}

function headers(doc: Json, response: Json): Map<string, Json> {
  return new Map(
    Object.entries(asObject(response.headers)).map(([name, h]) => [name.toLowerCase(), deref(doc, h)]),
  );
}

/** The CAMARA error codes a response documents: the `code` enum of its (merged) ErrorInfo. */
function errorCodes(doc: Json, response: Json): string[] {
  return Object.values(asObject(response.content)).flatMap((media) => {
    const schema = asObject(media).schema;
    if (schema === undefined) return [];
    const shape: Shape = shapeOf(doc, schema);
    return (shape.properties?.code?.enum ?? []).map(String);
  });
}
