import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONFIG_VARIABLES } from '../src/config.js';
import { demoCredentialsText } from '../src/sandbox-seed.js';
import { freePort } from './free-port.js';

/**
 * `npm run dev:worker`: the Worker (src/worker.ts) in a local workerd through `wrangler dev`,
 * offline (no Cloudflare account), configured like `npm start` from this process's environment:
 * every variable of the README's table that is set is handed to the Worker, secrets included.
 * They travel in an env file under .tmp (mode 600), never on the command line. Listens on
 * 127.0.0.1:$PORT (default 8787).
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const port = process.env.PORT?.trim() || '8787';
const vars: Record<string, string> = {
  // wrangler.toml deploys in production; a local run is development unless NODE_ENV says so.
  NODE_ENV: 'development',
  NETWORK_BACKEND: 'sandbox',
};
for (const name of CONFIG_VARIABLES) {
  const value = process.env[name];
  if (value !== undefined) vars[name] = value;
}
vars.PORT = port;

const dir = path.join(ROOT, '.tmp', 'worker-dev', port);
mkdirSync(dir, { recursive: true });
const envFile = path.join(dir, '.env');
writeFileSync(
  envFile,
  Object.entries(vars)
    .map(([k, v]) => `${k}=${quote(k, v)}`)
    .join('\n') + '\n',
  {
    mode: 0o600,
  },
);

// wrangler's devtools port is 9229 by default: a second Worker on the machine would fail to start.
const inspectorPort = process.env.INSPECTOR_PORT?.trim() || String(await freePort());

const child = spawn(
  process.execPath,
  [
    path.join(ROOT, 'node_modules', 'wrangler', 'bin', 'wrangler.js'),
    'dev',
    '--local',
    '--port',
    port,
    '--ip',
    '127.0.0.1',
    '--inspector-port',
    inspectorPort,
    '--env-file',
    envFile,
    '--persist-to',
    path.join(dir, 'state'),
    '--show-interactive-dev-session=false',
    '--live-reload=false',
  ],
  {
    cwd: ROOT,
    stdio: 'inherit',
    env: {
      ...process.env,
      WRANGLER_SEND_METRICS: 'false',
      CLOUDFLARE_CF_FETCH_ENABLED: 'false',
      WRANGLER_LOG_PATH: path.join(dir, 'logs'),
    },
  },
);
if (vars.NODE_ENV !== 'production' && vars.NETWORK_BACKEND === 'sandbox') printDemoCredentials();
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

/** dotenv: single quotes keep a value literal (JSON key sets, URLs); a value holding one cannot be. */
function quote(name: string, value: string): string {
  if (value.includes("'"))
    throw new Error(`${name}: a value with a single quote cannot be passed to wrangler`);
  return `'${value}'`;
}

/** The sandbox the Worker seeds on its first request: the same published values as `npm start`. */
function printDemoCredentials(): void {
  const text = demoCredentialsText((vars.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/+$/, ''));
  if (text !== undefined) console.log(text);
}
