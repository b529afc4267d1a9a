import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';

/** An ACL user of a test's redis-server: every key, channel and command. */
export type AclUser = { name: string; password: string };

/** A password of the test's own: random, so that a leak into a log line is found by a search. */
export const randomPassword = (): string => `pw-${crypto.randomUUID()}`;

/**
 * redis-server arguments for ACL users, the `default` user switched off: nobody is served without
 * naming a user and giving its password.
 */
export function aclArgs(users: readonly AclUser[]): string[] {
  const args = ['--user', 'default', 'off'];
  for (const u of users) args.push('--user', u.name, 'on', `>${u.password}`, '~*', '&*', '+@all');
  return args;
}

/** A client of the test itself, over TLS when `caFile` is given, as `user`: to change the ACL. */
export function adminClient(port: number, user: AclUser, caFile?: string): Redis {
  return new Redis({
    host: '127.0.0.1',
    port,
    username: user.name,
    password: user.password,
    ...(caFile === undefined ? {} : { tls: { ca: readFileSync(caFile) } }),
    lazyConnect: true,
    maxRetriesPerRequest: 0,
  });
}

/** The connections of the server on `port` (CLIENT LIST), read as `user`: whose they are. */
export async function clientList(port: number, user: AclUser, caFile?: string): Promise<string> {
  const admin = adminClient(port, user, caFile);
  await admin.connect();
  try {
    return (await admin.client('LIST')) as string;
  } finally {
    admin.disconnect();
  }
}

/** The platform's JSON log lines, without their time, from its output. */
export function logLines(output: string): Record<string, unknown>[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => {
      const { time: _time, ...rest } = JSON.parse(line) as Record<string, unknown>;
      return rest;
    });
}

/** Frames of a stack trace (`    at main (…)`): an output that has one shows a crash. */
export const STACK_FRAME = /^\s+at .+\(.+:\d+:\d+\)$/m;
