import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SANDBOX_APPLICATIONS } from '../../src/sandbox-seed.js';
import { REPO_ROOT } from '../support/openapi.js';

/** docs/sandbox.md describes the demo application as sandbox/applications.json onboards it. */

const doc = readFileSync(`${REPO_ROOT}/docs/sandbox.md`, 'utf8');
const demo = SANDBOX_APPLICATIONS.find((a) => a.clientId === 'demo-app');

/** The back-quoted values of a row of the demo application's table. */
function row(field: string): string[] {
  const line = doc.split('\n').find((l) => l.startsWith(`| ${field} `));
  if (line === undefined) throw new Error(`docs/sandbox.md has no "${field}" row`);
  return [...line.matchAll(/`([^`]+)`/g)].map((m) => m[1] as string);
}

describe('docs/sandbox.md, the demo application', () => {
  it('lists its scopes and purposes exactly', () => {
    expect(demo).toBeDefined();
    expect(row('Scopes').sort()).toEqual([...(demo?.scopes ?? [])].sort());
    expect(row('Purposes').sort()).toEqual([...(demo?.purposes ?? [])].sort());
  });

  it('names the APIs it may call with client credentials and its redirect URI', () => {
    const grants = row('Grants');
    for (const api of demo?.twoLeggedApis ?? []) expect(grants).toContain(api);
    for (const uri of demo?.redirectUris ?? []) expect(grants).toContain(uri);
  });
});
