import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A certificate authority of the test's own, and the server certificates it signed. */
export type TestPki = {
  dir: string;
  /** The CA's certificate (PEM file): what a client told to trust it reads. */
  caFile: string;
  /** For 127.0.0.1 and localhost, signed by the CA; a client certificate too (a cluster bus asks for one). */
  server: { certFile: string; keyFile: string };
  /** Signed by the CA, but for another host: a client connecting to 127.0.0.1 must refuse it. */
  otherHost: { certFile: string; keyFile: string };
  /** For 127.0.0.1, signed by a second CA that no client trusts. */
  untrusted: { certFile: string; keyFile: string };
  remove(): Promise<void>;
};

/**
 * Makes, with `openssl`, a CA and the server certificates of the TLS tests in a temporary
 * directory under .tmp: nothing is committed, every run has fresh keys.
 */
export async function makeTestPki(): Promise<TestPki> {
  await mkdir(path.join(process.cwd(), '.tmp'), { recursive: true });
  const dir = await mkdtemp(path.join(process.cwd(), '.tmp', 'pki-'));
  const file = (name: string) => path.join(dir, name);
  await makeCa(file('ca'), 'camara-gateway test CA');
  await makeCa(file('rogue-ca'), 'untrusted test CA');
  await makeServer(dir, 'server', file('ca'), 'IP:127.0.0.1,DNS:localhost');
  await makeServer(dir, 'other-host', file('ca'), 'DNS:redis.other.test');
  await makeServer(dir, 'untrusted', file('rogue-ca'), 'IP:127.0.0.1,DNS:localhost');
  const pair = (name: string) => ({ certFile: file(`${name}.crt`), keyFile: file(`${name}.key`) });
  return {
    dir,
    caFile: file('ca.crt'),
    server: pair('server'),
    otherHost: pair('other-host'),
    untrusted: pair('untrusted'),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** A new P-256 key, unencrypted, for `openssl req`. */
const NEW_P256_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

async function makeCa(base: string, name: string): Promise<void> {
  await run('openssl', [
    'req',
    '-x509',
    ...NEW_P256_KEY,
    '-keyout',
    `${base}.key`,
    '-out',
    `${base}.crt`,
    '-days',
    '2',
    '-subj',
    `/CN=${name}`,
  ]);
}

async function makeServer(dir: string, name: string, ca: string, altNames: string): Promise<void> {
  const base = path.join(dir, name);
  await run('openssl', [
    'req',
    ...NEW_P256_KEY,
    '-keyout',
    `${base}.key`,
    '-out',
    `${base}.csr`,
    '-subj',
    `/CN=${name}`,
  ]);
  await writeFile(`${base}.ext`, `subjectAltName=${altNames}\nextendedKeyUsage=serverAuth,clientAuth\n`);
  await run('openssl', [
    'x509',
    '-req',
    '-in',
    `${base}.csr`,
    '-CA',
    `${ca}.crt`,
    '-CAkey',
    `${ca}.key`,
    '-CAcreateserial',
    '-out',
    `${base}.crt`,
    '-days',
    '2',
    '-extfile',
    `${base}.ext`,
  ]);
}
