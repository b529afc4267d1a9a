import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/*
 * DESIGN §1 boundaries. A flat config's later block replaces an earlier block's options of the
 * same rule for a file, so the import rules are not stacked: each file set below is disjoint from
 * the others and gets one `no-restricted-imports` with the union of every rule that guards it.
 * test/unit/lint-boundaries.test.ts lints a probe per rule and file set to prove that they hold.
 */

/** (a) Node and its servers: only the Node entries, src/runtime/node.ts and the Redis engine. */
const NODE_ONLY = [...builtinModules.filter((m) => !m.startsWith('node:')), 'ioredis', '@hono/node-server'];
const RUNTIME_ONLY = {
  // Anchored: a bare builtin name such as `http` must not catch `../http/env.js`.
  regex: `^(node:.*|(${NODE_ONLY.join('|')})(/.*)?)$`,
  message:
    'Node-only: import it in src/node.ts, src/node-server.ts, src/runtime/node*.ts or src/store/redis*.ts.',
};

/** (b) The Redis engine: only src/store/ and the entries that build the store. */
const REDIS_ENGINE = {
  regex: '(^|/)store/redis[^/]*$',
  message: 'Depend on the Store port (src/deps.js), not the Redis engine: only the entries build it.',
};

/** (c) The product catalogue is composed in src/app.ts only. */
const APIS_FROM_SRC = {
  regex: '(^|/)apis(/|$)',
  message: 'src/ does not depend on apis/: only src/app.ts composes the API modules.',
};

/** (d) The src/ ports an API may use; the rest (store engines, admin, token issuance…) is not its. */
const API_PORTS = [
  'api-module',
  'errors',
  'deps',
  'hash',
  'auth/access-context',
  'auth/revocation',
  'consent/enforce',
  'consent/port',
  'network/index',
  'network/port',
  'privacy/policies',
  'admin/inventory', // the Lifecycle type apis/index.ts declares its versions' status with
  'http/[^/]+',
];
const SRC_FROM_APIS = {
  regex: `^(\\.\\./)+src/(?!(${API_PORTS.join('|')})\\.js$)`,
  message:
    'apis/ use the src/ ports only (eslint.config.js API_PORTS), never an engine or the platform inside.',
};

/** (d) One API never imports another; what they share lives in apis/common. */
const OTHER_API = {
  regex: '^(\\.\\./(?!common/)[^./][^/]*/|(\\.\\./)+apis/(?!common/))',
  message: 'An API does not import another API: move what they share to apis/common.',
};

const restrict = (...patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

/** (e) Node objects stay behind the runtime seam. */
const NODE_OBJECTS = 'Node objects (`c.env.incoming`) are read in src/runtime/node.ts only.';

export default tseslint.config(
  { ignores: ['node_modules/**', 'openapi/**', 'coverage/**', '.tmp/**', 'dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },

  // One block per file set, each with the union of the import rules that guard it.
  {
    files: ['src/**/*.{ts,js}'],
    ignores: [
      'src/app.ts',
      'src/node.ts',
      'src/worker.ts',
      'src/node-server.ts',
      'src/runtime/node*.ts',
      'src/store/**',
    ],
    rules: restrict(RUNTIME_ONLY, REDIS_ENGINE, APIS_FROM_SRC),
  },
  { files: ['src/app.ts'], rules: restrict(RUNTIME_ONLY, REDIS_ENGINE) },
  { files: ['src/node.ts'], rules: restrict(APIS_FROM_SRC) },
  { files: ['src/worker.ts'], rules: restrict(RUNTIME_ONLY, APIS_FROM_SRC) },
  { files: ['src/node-server.ts', 'src/runtime/node*.ts'], rules: restrict(REDIS_ENGINE, APIS_FROM_SRC) },
  { files: ['src/store/redis*.ts'], rules: restrict(APIS_FROM_SRC) },
  {
    files: ['src/store/**/*.{ts,js}'],
    ignores: ['src/store/redis*.ts'],
    rules: restrict(RUNTIME_ONLY, APIS_FROM_SRC),
  },
  { files: ['apis/*/**/*.{ts,js}'], rules: restrict(RUNTIME_ONLY, REDIS_ENGINE, SRC_FROM_APIS, OTHER_API) },
  { files: ['apis/*.{ts,js}'], rules: restrict(RUNTIME_ONLY, REDIS_ENGINE, SRC_FROM_APIS) },

  {
    // (e) Also a property read through optional chaining, brackets or destructuring.
    files: ['**/*.{ts,js}'],
    ignores: ['src/runtime/node.ts', 'src/node*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "MemberExpression[computed=false][property.name='incoming']", message: NODE_OBJECTS },
        { selector: "MemberExpression[computed=true][property.value='incoming']", message: NODE_OBJECTS },
        { selector: "ObjectPattern > Property[key.name='incoming']", message: NODE_OBJECTS },
      ],
    },
  },
);
