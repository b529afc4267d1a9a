import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CAMARA_APIS } from '../../scripts/camara-facts-extract.js';
import { camaraSpecsDir, extractFixture, fixturePath, hasCamaraSpecs } from '../../scripts/camara-facts.js';

/**
 * The committed facts (test/fixtures/camara) against the upstream CAMARA files they are made from,
 * read from CAMARA_SPECS_DIR (default ../shared/camara/openapi beside the repository). CI has the
 * files, so this always runs there; a clone without them reports it skipped, with the reason.
 */
const dir = camaraSpecsDir();
const present = hasCamaraSpecs(dir);
if (!present) console.warn(`camara facts staleness check skipped: no upstream CAMARA files in ${dir}`);

describe('CAMARA facts fixtures', () => {
  if (!present) {
    it.skip(`skipped: no upstream CAMARA files in CAMARA_SPECS_DIR (${dir}) to compare the fixtures with`, () => {});
    return;
  }
  it.each(CAMARA_APIS)(
    `test/fixtures/camara/%s.json is what npm run camara:facts extracts from CAMARA_SPECS_DIR (${dir})`,
    async (api) => {
      const committed = readFileSync(fixturePath(api), 'utf8');
      const fresh = await extractFixture(api, dir);
      // Not toBe: a stale fixture would print both whole files; the message says what to run.
      expect(committed === fresh, `${api}.json is stale: run npm run camara:facts`).toBe(true);
    },
  );
});
