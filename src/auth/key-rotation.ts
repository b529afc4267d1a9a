/**
 * Signing-key rotation as a pure function of time: no timers, so the same schedule holds on Node,
 * in workerd and under a manual test clock. A key is published in the JWKS before it signs, signs
 * until a newer key becomes active, and stays published until the last token it signed has expired
 * (`retentionMs` after it stopped signing); then it disappears.
 */

/** What the timeline needs to know of a key: when it starts signing (ms since epoch; 0 = undated). */
export type Scheduled = { nbf: number };

export type Timeline<K> = {
  /** The newest key whose `nbf` has passed; undefined when every key is still to come. */
  signer: K | undefined;
  /** Upcoming, signing and retiring keys, newest first. */
  published: K[];
  /** The next instant at which `signer` or `published` changes (Infinity: never). */
  nextChangeAt: number;
};

/**
 * Orders keys from oldest to newest: by `nbf`, and among equal `nbf` the key listed first is the
 * newest (so a plain JWK set without activation times keeps the "first key signs" rule).
 */
export function chronological<K extends Scheduled>(keys: readonly K[]): K[] {
  return keys
    .map((key, index) => ({ key, index }))
    .sort((a, b) => a.key.nbf - b.key.nbf || b.index - a.index)
    .map((e) => e.key);
}

export function timeline<K extends Scheduled>(
  keys: readonly K[],
  now: number,
  retentionMs: number,
): Timeline<K> {
  const ordered = chronological(keys);
  let signer: K | undefined;
  const published: K[] = [];
  let nextChangeAt = Number.POSITIVE_INFINITY;
  ordered.forEach((key, i) => {
    // A key stops signing when its successor starts; it is retired once its last tokens expired.
    // An undated successor (nbf 0: active since the set was loaded) gives no retirement time:
    // the key stays published until it is removed from the set.
    const successor = ordered[i + 1];
    const end = successor?.nbf ?? Number.POSITIVE_INFINITY;
    const retiredAt =
      successor !== undefined && successor.nbf > 0 ? end + retentionMs : Number.POSITIVE_INFINITY;
    if (key.nbf <= now && now < end) signer = key;
    if (now < retiredAt) published.unshift(key);
    for (const t of [key.nbf, retiredAt]) if (t > now && t < nextChangeAt) nextChangeAt = t;
  });
  return { signer, published, nextChangeAt };
}

export type RotationSchedule = {
  /** When the first generated key became active (ms since epoch). */
  origin: number;
  /** A new key becomes active every `periodMs`. */
  periodMs: number;
  /** The next key is generated and published this long before it signs. */
  leadMs: number;
};

/** Pre-publication lead of the embedded schedule: an hour, or half the period when shorter. */
export const leadFor = (periodMs: number): number => Math.min(3_600_000, Math.floor(periodMs / 2));

/**
 * The slots (key k signs from origin + k·period) whose key must exist at `now`: the current one,
 * and the next one once inside the lead time. Slots skipped while nobody asked (an idle process)
 * are never generated: they would never sign.
 */
export function slotsDue(schedule: RotationSchedule, now: number): number[] {
  const { origin, periodMs, leadMs } = schedule;
  const current = Math.max(0, Math.floor((now - origin) / periodMs));
  const next = current + 1;
  return origin + next * periodMs - leadMs <= now ? [current, next] : [current];
}

export const slotStart = (schedule: RotationSchedule, slot: number): number =>
  schedule.origin + slot * schedule.periodMs;

/** When the embedded schedule next needs a key generated: the lead time before the next slot. */
export function nextGenerationAt(schedule: RotationSchedule, now: number): number {
  const slots = slotsDue(schedule, now);
  const last = slots[slots.length - 1] as number;
  return slotStart(schedule, last + 1) - schedule.leadMs;
}
