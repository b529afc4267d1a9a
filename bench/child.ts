import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
/**
 * The side of the protocol that every bench server shares with bench/run.ts (over the IPC
 * channel): announce the port once listening, answer CPU probes with process.cpuUsage(), and
 * stop cleanly on SIGTERM or when the parent goes away (so that --cpu-prof writes its profile).
 */
/** The application that bench/platform-server.ts registers on its high-limit plan. */
export const BENCH_CLIENT_ID = 'bench-app';
/** Its twin that authenticates with `private_key_jwt` (the sandbox demo-backend key). */
export const BENCH_SIGNED_CLIENT_ID = 'bench-signed';
/** The platform's PUBLIC_URL in the benchmark: its issuer, an accepted assertion audience. */
export const BENCH_ISSUER = 'http://gateway.bench';
/** The peer's access tokens (bench/peer-server.ts): issuer, audience, the scope it requires. */
export const PEER_ISSUER = 'https://idp.bench';
export const PEER_AUDIENCE = 'https://api.bench';
export const PEER_SCOPE = 'sim-swap:check';
/** node-oidc-provider's issuer, resource (its tokens' audience) and scope (bench/oidc-server.ts). */
export const OIDC_ISSUER = 'http://oidc.bench';
export const OIDC_RESOURCE = 'https://api.bench';
export const OIDC_SCOPE = 'sim-swap:check';

export type ChildMessage =
  | { type: 'ready'; port: number }
  | { type: 'cpu'; usage: NodeJS.CpuUsage }
  | { type: 'profiling' }
  | { type: 'profiled'; file: string }
  | { type: 'failed'; error: string };

/** The parent's requests: a CPU probe, or the V8 CPU profiler started, then stopped into `file`. */
export type ParentMessage =
  { type: 'cpu' } | { type: 'profile-start' } | { type: 'profile-stop'; file: string };

/**
 * The V8 CPU profiler (what --cpu-prof runs) through the inspector, so that the profile covers
 * the measured window only: no start-up, no module loading, no warm-up.
 */
function profiler(send: (message: ChildMessage) => void) {
  let session: Session | undefined;
  return async (message: ParentMessage) => {
    if (message.type === 'profile-start') {
      session = new Session();
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.start');
      send({ type: 'profiling' });
    } else if (message.type === 'profile-stop' && session !== undefined) {
      const { profile } = await session.post('Profiler.stop');
      session.disconnect();
      session = undefined;
      await writeFile(message.file, JSON.stringify(profile));
      send({ type: 'profiled', file: message.file });
    }
  };
}

export function announce(port: number, stop: () => Promise<void>): void {
  const send = (message: ChildMessage) => process.send?.(message);
  let stopping = false;
  const exit = () => {
    if (stopping) return;
    stopping = true;
    void stop()
      .catch(() => {})
      .finally(() => process.exit(0));
  };
  const profile = profiler(send);
  process.on('message', (message: ParentMessage) => {
    if (message.type === 'cpu') send({ type: 'cpu', usage: process.cpuUsage() });
    else profile(message).catch((error: unknown) => fail(error));
  });
  process.on('SIGTERM', exit);
  process.on('SIGINT', exit);
  process.on('disconnect', exit);
  send({ type: 'ready', port });
}

export function fail(error: unknown): never {
  process.send?.({ type: 'failed', error: error instanceof Error ? error.message : String(error) });
  console.error(error);
  process.exit(1);
}
