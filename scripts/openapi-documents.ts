import { stringify } from 'yaml';
import { API_MODULES } from '../apis/index.js';
import { adminDocument } from '../src/admin/v1/index.js';
import { authServerDocument } from '../src/auth/index.js';
import { apiDocument, DEFAULT_API_ROOT } from '../src/openapi.js';

/** One committed document: its file name under openapi/ and its YAML text. */
export type OpenApiFile = { file: string; document: Record<string, unknown>; text: string };

/**
 * The YAML form of the committed files: no line folding and no anchors, so a change in the code
 * shows up as a readable line diff, and the same input always gives the same bytes.
 */
export function toYaml(document: Record<string, unknown>): string {
  return stringify(document, { lineWidth: 0, aliasDuplicateObjects: false });
}

/** Every document under openapi/: one per exposed API, plus the authorization server and the admin API. */
export function openApiFiles(): OpenApiFile[] {
  const documents = [
    ...API_MODULES.map((m) => ({
      file: `${m.name}.yaml`,
      document: apiDocument(m, m.router(), DEFAULT_API_ROOT),
    })),
    { file: 'authorization-server.yaml', document: authServerDocument(DEFAULT_API_ROOT) },
    { file: 'admin.yaml', document: adminDocument(DEFAULT_API_ROOT) },
  ];
  return documents.map((d) => ({ ...d, text: toYaml(d.document) }));
}
