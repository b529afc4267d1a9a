/**
 * `npm run camara:facts`: reads the upstream CAMARA OpenAPI files from CAMARA_SPECS_DIR (default
 * `../shared/camara/openapi`, relative to the repository root) and writes their facts to
 * test/fixtures/camara/<api>.json, which the tests read. The fixtures are committed, so the tests
 * run on a clone that has no upstream files; test/conformance/camara-facts.test.ts fails when a
 * fixture no longer matches the upstream files it was made from.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CAMARA_APIS, factsOf, renderFacts, type CamaraApi } from './camara-facts-extract.js';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export const FIXTURE_DIR = join(REPO_ROOT, 'test', 'fixtures', 'camara');

export const fixturePath = (api: CamaraApi) => join(FIXTURE_DIR, `${api}.json`);

/** CAMARA_SPECS_DIR (relative to the repository root when relative), else the shared folder beside it. */
export function camaraSpecsDir(env: Record<string, string | undefined> = process.env): string {
  return resolve(REPO_ROOT, env.CAMARA_SPECS_DIR || '../shared/camara/openapi');
}

/** Whether every upstream file is there to extract from. */
export const hasCamaraSpecs = (dir = camaraSpecsDir()) =>
  CAMARA_APIS.every((api) => existsSync(join(dir, `${api}.yaml`)));

/** The fixture text of one API, extracted afresh from the upstream files in `dir`. */
export function extractFixture(api: CamaraApi, dir = camaraSpecsDir()): Promise<string> {
  const read = (file: string) => readFileSync(join(dir, file), 'utf8');
  return renderFacts(factsOf(read(`${api}.yaml`), read), fixturePath(api));
}

async function main() {
  const dir = camaraSpecsDir();
  if (!hasCamaraSpecs(dir)) {
    console.error(`CAMARA_SPECS_DIR: no ${CAMARA_APIS.map((a) => `${a}.yaml`).join(', ')} in ${dir}`);
    process.exit(1);
  }
  mkdirSync(FIXTURE_DIR, { recursive: true });
  for (const api of CAMARA_APIS) {
    writeFileSync(fixturePath(api), await extractFixture(api, dir));
    console.log(`wrote test/fixtures/camara/${api}.json from ${join(dir, `${api}.yaml`)}`);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await main();
}
