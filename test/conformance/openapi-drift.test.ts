import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openApiFiles, toYaml } from '../../scripts/openapi-documents.js';
import { REPO_ROOT } from '../support/openapi.js';

const DIR = join(REPO_ROOT, 'openapi');
const HINT = 'openapi/ is out of date with the code: run `npm run openapi` and commit the result';
const files = openApiFiles();

describe('committed OpenAPI documents', () => {
  it('are exactly the generated set (one per API, plus the authorization server)', () => {
    const committed = readdirSync(DIR).filter((f) => f.endsWith('.yaml'));
    expect(committed.sort(), HINT).toEqual(files.map((f) => f.file).sort());
  });

  it.each(files.map((f) => [f.file, f] as const))('%s matches the code byte for byte', (file, generated) => {
    const committed = readFileSync(join(DIR, file), 'utf8');
    expect(committed, `openapi/${file}: ${HINT}`).toBe(generated.text);
  });

  it('generation is deterministic', () => {
    const again = openApiFiles();
    expect(again.map((f) => f.text)).toEqual(files.map((f) => f.text));
    for (const f of files) expect(toYaml(f.document)).toBe(f.text);
  });
});
