import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES } from '../../src/config.js';
import { REPO_ROOT } from '../support/openapi.js';

describe('README configuration table', () => {
  it('documents exactly the variables src/config.ts reads, each with a default and a meaning', () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('## Layout'));
    const rows = [...section.matchAll(/^\| `([A-Z_]+)`\s*\|([^|]*)\|([^|]*)\|$/gm)];
    expect(rows.map((r) => r[1]).sort()).toEqual([...CONFIG_VARIABLES].sort());
    for (const [, name, def, meaning] of rows) {
      expect({ name, def: (def as string).trim() !== '' }).toEqual({ name, def: true });
      expect({ name, meaning: (meaning as string).trim() !== '' }).toEqual({ name, meaning: true });
    }
  });
});
