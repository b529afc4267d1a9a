import { ApiError } from '../errors.js';
import type { Store } from '../store/port.js';

/**
 * How many times an edit reads the record and applies its change before giving up: each lost
 * race means another edit of the same record landed in between, so a handful of attempts only
 * fails under a burst of edits of one record, where a 409 the operator retries is the honest answer.
 */
export const UPDATE_ATTEMPTS = 5;

/**
 * What an edit does to a record: a function of the record as stored now, applied again on the
 * fresh record when another edit won the race. It may throw (the edit no longer applies: 404 on
 * a credential revoked meanwhile, 400 on a check) and may read the store (the plan catalogue).
 */
export type Change<T, R = T> = (current: T) => R | Promise<R>;

/** Answered when every attempt lost its race: CAMARA's concurrency conflict. */
export const editConflict = () =>
  new ApiError('ABORTED', 'The record was changed by concurrent requests meanwhile: try again.');

/**
 * Read-modify-write of one JSON record, by compare-and-set (Store.replace): the change lands only
 * on the bytes it was computed from, so two concurrent edits (on one instance or several) never
 * undo each other, a suspension above all. The record as written, or null when absent; ABORTED
 * (409) after UPDATE_ATTEMPTS lost races. A change that alters nothing writes nothing.
 */
export function updateRecord<T>(store: Store, key: string, change: Change<T>): Promise<T | null> {
  return edit<T>(store, key, (current) => (current === null ? null : change(current)));
}

/**
 * Writes a new record only where none is: an id already taken answers ALREADY_EXISTS (409),
 * never overwriting what another request created.
 */
export async function createRecord(store: Store, key: string, record: unknown): Promise<void> {
  if (!(await store.replace(key, null, JSON.stringify(record)))) throw new ApiError('ALREADY_EXISTS');
}

/**
 * Read-modify-write of a record that may not exist yet: `change` gets the record as stored, or
 * null, and the result is written by compare-and-set (created when absent), with the retries of
 * updateRecord. The record as written; ABORTED (409) after UPDATE_ATTEMPTS lost races.
 */
export async function upsertRecord<T>(store: Store, key: string, change: Change<T | null, T>): Promise<T> {
  return (await edit<T>(store, key, change)) as T;
}

/** The compare-and-set loop of both: a `change` answering null leaves the record alone. */
async function edit<T>(store: Store, key: string, change: Change<T | null, T | null>): Promise<T | null> {
  for (let attempt = 0; attempt < UPDATE_ATTEMPTS; attempt++) {
    const raw = await store.get(key);
    const record = await change(raw === null ? null : (JSON.parse(raw) as T));
    if (record === null) return null;
    const next = JSON.stringify(record);
    if (next === raw || (await store.replace(key, raw, next))) return record;
  }
  throw editConflict();
}

/**
 * The sandbox seed's write of a record with a fixed id, again on every start: created when
 * absent, else `merge`d into the record as stored (by compare-and-set, like any edit), so that a
 * start never undoes what an edit did meanwhile, nor what it must keep (a suspension). The record
 * as written.
 */
export function seedRecord<T>(store: Store, key: string, fresh: T, merge: Change<T>): Promise<T> {
  return upsertRecord<T>(store, key, (current) => (current === null ? fresh : merge(current)));
}
