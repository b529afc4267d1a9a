import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/**
 * DESIGN §1: the boundaries are enforced by eslint.config.js. Each probe is linted as if it were
 * a file at `file` (a virtual path inside the set the rule guards): a refused probe must get the
 * rule's own message, an allowed one nothing at all. Several sets per rule, because a flat
 * config's blocks replace each other's options of the same rule for a file they share.
 */
const eslint = new ESLint({ cwd: path.resolve(import.meta.dirname, '../..') });

async function lint(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: file });
  return (result?.messages ?? []).map((m) => `${m.ruleId ?? 'fatal'}: ${m.message}`);
}

const restricted = (source: string, message: string) =>
  `no-restricted-imports: '${source}' import is restricted from being used by a pattern. ${message}`;
const NODE =
  'Node-only: import it in src/node.ts, src/node-server.ts, src/runtime/node*.ts or src/store/redis*.ts.';
const REDIS = 'Depend on the Store port (src/deps.js), not the Redis engine: only the entries build it.';
const APIS = 'src/ does not depend on apis/: only src/app.ts composes the API modules.';
const PORTS =
  'apis/ use the src/ ports only (eslint.config.js API_PORTS), never an engine or the platform inside.';
const OTHER_API = 'An API does not import another API: move what they share to apis/common.';
const INCOMING =
  'no-restricted-syntax: Node objects (`c.env.incoming`) are read in src/runtime/node.ts only.';

type Probe = [rule: string, file: string, source: string, messages: string[]];
const imports = (rule: string, file: string, source: string, ...messages: string[]): Probe => [
  rule,
  file,
  source,
  messages.map((m) => restricted(source, m)),
];

const REFUSED_IMPORTS: Probe[] = [
  imports('(a) Node builtins', 'src/auth/probe.ts', 'node:crypto', NODE),
  imports('(a) Node builtins, bare name', 'src/store/memory-probe.ts', 'fs', NODE),
  imports('(a) Node builtins', 'src/app.ts', 'node:buffer', NODE),
  imports('(a) Node builtins', 'src/worker.ts', 'node:http', NODE),
  imports('(a) Node builtins', 'apis/index.ts', 'node:fs/promises', NODE),
  imports('(a) ioredis', 'apis/sim-swap/probe.ts', 'ioredis', NODE),
  imports('(a) @hono/node-server', 'src/http/probe.ts', '@hono/node-server', NODE),
  imports('(a) @hono/node-server subpath', 'src/consent/probe.ts', '@hono/node-server/conninfo', NODE),
  imports('(b) Redis engine', 'src/auth/probe.ts', '../store/redis.js', REDIS),
  imports('(b) Redis engine', 'src/bootstrap.ts', './store/redis.js', REDIS),
  imports('(b) Redis engine', 'src/app.ts', './store/redis-batch.js', REDIS),
  imports('(b) Redis engine', 'src/node-server.ts', './store/redis.js', REDIS),
  imports('(b) Redis engine', 'src/runtime/node.ts', '../store/redis.js', REDIS),
  imports('(b) Redis engine', 'apis/sim-swap/probe.ts', '../../src/store/redis.js', REDIS, PORTS),
  imports('(c) apis from src', 'src/auth/probe.ts', '../../apis/index.js', APIS),
  imports('(c) apis from src', 'src/openapi.ts', '../apis/sim-swap/index.js', APIS),
  imports('(c) apis from src', 'src/node.ts', '../apis/index.js', APIS),
  imports('(c) apis from src', 'src/store/redis-probe.ts', '../../apis/common/schemas.js', APIS),
  imports('(c) apis from src', 'src/store/memory-probe.ts', '../../apis/index.js', APIS),
  imports('(d) src internals', 'apis/sim-swap/probe.ts', '../../src/store/port.js', PORTS),
  imports('(d) src internals', 'apis/kyc-match/probe.ts', '../../src/admin/applications.js', PORTS),
  imports('(d) src internals', 'apis/number-verification/probe.ts', '../../src/auth/tokens.js', PORTS),
  imports('(d) src internals', 'apis/common/probe.ts', '../../src/store/memory.js', PORTS),
  imports('(d) src internals', 'apis/index.ts', '../src/app.js', PORTS),
  imports('(d) another API', 'apis/sim-swap/probe.ts', '../kyc-match/service.js', OTHER_API),
  imports('(d) another API', 'apis/common/probe.ts', '../number-verification/errors.js', OTHER_API),
  imports('(d) another API', 'apis/kyc-match/probe.ts', '../../apis/sim-swap/index.js', OTHER_API),
];

const ALLOWED_IMPORTS: [rule: string, file: string, source: string][] = [
  ['(a) Node builtins', 'src/node.ts', 'node:fs'],
  ['(a) Node builtins', 'src/runtime/node.ts', 'node:http'],
  ['(a) @hono/node-server', 'src/node-server.ts', '@hono/node-server'],
  ['(a) ioredis', 'src/store/redis-probe.ts', 'ioredis'],
  ['(a) Node builtins', 'scripts/probe.ts', 'node:child_process'],
  ['(a) Node builtins', 'bench/probe.ts', 'node:crypto'],
  ['(a) Node builtins', 'test/unit/probe.ts', 'node:net'],
  ['(a) a folder named like a builtin', 'src/auth/probe.ts', '../http/env.js'],
  ['(b) Redis engine', 'src/node.ts', './store/redis.js'],
  ['(b) Redis engine', 'src/worker.ts', './store/redis.js'],
  ['(b) Redis engine', 'src/store/memory-probe.ts', './redis.js'],
  ['(b) Redis engine', 'test/redis/probe.ts', '../../src/store/redis.js'],
  ['(c) apis from src', 'src/app.ts', '../apis/index.js'],
  ['(d) src ports', 'apis/sim-swap/probe.ts', '../../src/errors.js'],
  ['(d) src ports', 'apis/kyc-match/probe.ts', '../../src/http/env.js'],
  ['(d) src ports', 'apis/number-verification/probe.ts', '../../src/auth/access-context.js'],
  ['(d) src ports', 'apis/index.ts', '../src/api-module.js'],
  ['(d) apis/common', 'apis/sim-swap/probe.ts', '../common/router.js'],
  ['(d) its own files', 'apis/sim-swap/probe.ts', './service.js'],
  ['(d) a library', 'apis/sim-swap/probe.ts', 'jose'],
  ['(d) the modules, from the catalogue', 'apis/index.ts', './sim-swap/index.js'],
];

const READS = {
  member: 'export const f = (c: { env: { incoming: unknown } }) => c.env.incoming;',
  'optional chain': 'export const f = (c: { env?: { incoming: unknown } }) => c.env?.incoming;',
  brackets: "export const f = (c: { env: { incoming: unknown } }) => c.env['incoming'];",
  destructuring: 'export const f = ({ incoming }: { incoming: unknown }) => incoming;',
};

describe('lint boundaries (DESIGN §1, eslint.config.js)', () => {
  it.each(REFUSED_IMPORTS)('%s: %s may not import %s', async (_rule, file, source, messages) => {
    expect(await lint(file, `import '${source}';\n`)).toEqual(messages);
  });

  it.each(ALLOWED_IMPORTS)('%s: %s may import %s', async (_rule, file, source) => {
    expect(await lint(file, `import '${source}';\n`)).toEqual([]);
  });

  it.each(['src/auth/probe.ts', 'src/app.ts', 'apis/sim-swap/probe.ts', 'test/unit/probe.ts'])(
    '(e) Node objects: %s may not read `.incoming`, however written',
    async (file) => {
      for (const code of Object.values(READS)) expect(await lint(file, code), code).toEqual([INCOMING]);
    },
  );

  it.each(['src/runtime/node.ts', 'src/node.ts', 'src/node-server.ts'])(
    '(e) Node objects: %s, behind the runtime seam, may',
    async (file) => {
      for (const code of Object.values(READS)) expect(await lint(file, code), code).toEqual([]);
    },
  );

  it('(e) Node objects: a test may build a request with an `incoming` property', async () => {
    expect(await lint('test/unit/probe.ts', 'export const env = { incoming: { socket: null } };\n')).toEqual(
      [],
    );
  });
});
