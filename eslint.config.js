import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const runtimeOnly = ['node:*', 'ioredis', '@hono/node-server'];

export default tseslint.config(
  { ignores: ['node_modules/**', 'openapi/**', 'coverage/**', '.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // DESIGN §1: the core is web-standard; only the Node entry and the Redis engine touch Node or ioredis.
    files: ['src/**/*.ts', 'apis/**/*.ts'],
    // src/worker.ts is an entry too: tests/workers/bundle proves what its bundle reaches.
    ignores: [
      'src/node.ts',
      'src/node-server.ts',
      'src/worker.ts',
      'src/store/redis.ts',
      'src/store/redis-*.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: runtimeOnly, message: 'Runtime code belongs in src/node.ts or src/store/redis*.ts.' },
            { group: ['**/store/redis*'], message: 'Depend on the Store port, not an engine.' },
          ],
        },
      ],
    },
  },
  {
    // apis/* depend on src/ ports only; src/ never imports apis/ except in app.ts.
    files: ['src/**/*.ts'],
    ignores: [
      'src/app.ts',
      'src/node.ts',
      'src/node-server.ts',
      'src/worker.ts',
      'src/store/redis.ts',
      'src/store/redis-*.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/apis/**'], message: 'src/ does not depend on apis/ (only app.ts composes them).' },
            { group: runtimeOnly, message: 'Runtime code belongs in src/node.ts or src/store/redis*.ts.' },
          ],
        },
      ],
    },
  },
);
