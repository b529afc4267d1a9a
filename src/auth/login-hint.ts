import type { Deps } from '../deps.js';
import { parseAddress } from '../network/index.js';
import { AMR, type Amr } from './amr.js';

/** ICM §7.4: `tel:` RFC 3966 global number in E.164 without visual separators. */
const TEL = /^tel:(\+[1-9][0-9]{4,14})$/;
const OPERATOR_TOKEN = /^operatortoken:([\x21-\x7e]{1,1024})$/;

export type HintKind = 'tel' | 'ipport' | 'operatortoken';

export type ResolvedUser = { subscriber: string; amr: Amr };

/**
 * What stands in for a hint that names nobody where the answer must not tell (CIBA, JWT-bearer):
 * the number itself for `tel:`, the whole hint otherwise. It is only ever pseudonymised or sealed
 * by the consent service, never resolved, and never becomes a token's subscriber.
 */
export const nobodyFor = (hint: string): string => TEL.exec(hint)?.[1] ?? hint;

/**
 * ICM §7.4 identifies the user by `tel:`, `ipport:` or `operatortoken:` (CIBA `login_hint`;
 * the same formats for a JWT-bearer `sub`). Returns `malformed` for a value that breaks the format,
 * `unknown` for one that names nobody on this network.
 */
export async function resolveUserHint(
  deps: Deps,
  hint: string,
  allowed: readonly HintKind[],
): Promise<ResolvedUser | 'malformed' | 'unknown'> {
  const tel = TEL.exec(hint);
  if (tel !== null && allowed.includes('tel')) {
    const subscriber = await deps.network.findSubscriber(tel[1] as string);
    return subscriber === null ? 'unknown' : { subscriber: subscriber.phoneNumber, amr: AMR.clientAsserted };
  }
  if (hint.startsWith('ipport:') && allowed.includes('ipport')) {
    const address = parseAddress(hint.slice('ipport:'.length));
    if (address === null || !validAddress(address.ip, address.port)) return 'malformed';
    const subscriber = await deps.network.resolveDevice(address);
    return subscriber === null ? 'unknown' : { subscriber, amr: AMR.clientAsserted };
  }
  const token = OPERATOR_TOKEN.exec(hint);
  if (token !== null && allowed.includes('operatortoken')) {
    const subscriber = await deps.network.validateOperatorToken(token[1] as string);
    return subscriber === null ? 'unknown' : { subscriber, amr: AMR.operatorToken };
  }
  return 'malformed';
}

function validAddress(ip: string, port: number | undefined): boolean {
  if (port !== undefined && (port < 1 || port > 65535)) return false;
  if (ip.includes(':')) return true; // the bracketed IPv6 form was checked by parseAddress
  return ip.split('.').every((octet) => Number(octet) <= 255);
}
