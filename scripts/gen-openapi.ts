/**
 * `npm run openapi`: writes openapi/*.yaml from the code (the routes' zod schemas). The files are
 * committed; test/conformance/openapi-drift.test.ts fails when they no longer match.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openApiFiles } from './openapi-documents.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'openapi');
mkdirSync(dir, { recursive: true });
const files = openApiFiles();
// A document whose API was removed from the catalogue goes too.
for (const name of readdirSync(dir)) {
  if (name.endsWith('.yaml') && !files.some((f) => f.file === name)) {
    rmSync(join(dir, name));
    console.log(`removed openapi/${name}`);
  }
}
for (const { file, text } of files) {
  writeFileSync(join(dir, file), text);
  console.log(`wrote openapi/${file}`);
}
