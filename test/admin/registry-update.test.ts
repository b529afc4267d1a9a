import { beforeEach, describe, expect, it } from 'vitest';
import type { Application } from '../../src/admin/applications.js';
import { suspendApplication, suspendPartner } from '../../src/admin/kill-switch.js';
import { UPDATE_ATTEMPTS } from '../../src/admin/record-update.js';
import { issueSecret, revokeCredential } from '../../src/admin/v1/credentials.js';
import { createPartner, updatePartner } from '../../src/admin/v1/partners-service.js';
import { putPlan } from '../../src/admin/v1/plans.js';
import { seedSandbox } from '../../src/bootstrap.js';
import { ManualClock } from '../../src/clock.js';
import { ApiError } from '../../src/errors.js';
import { SANDBOX_PARTNER } from '../../src/sandbox-seed.js';
import { applicationKeys, partnerKeys, registryKeys } from '../../src/store/keys.js';
import { MemoryStore } from '../../src/store/memory.js';
import { DEMO, testPlatform, type TestPlatform } from '../support/app.js';
import { racingStore, type Racing } from '../support/racing-store.js';

const RECORD = applicationKeys.record(DEMO.clientId);
const PARTNER = SANDBOX_PARTNER.partnerId;
/** The kill switch's cut-off lies one second past the suspension (kill-switch.ts). */
const CUTOFF_MARGIN_MS = 1000;

/** The error an edit rejects with: its status, code and message as on-error.ts writes them. */
async function refusal(edit: Promise<unknown>) {
  const error = await edit.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return (error as ApiError).toBody();
}

/**
 * The registries' read-modify-write (src/admin/record-update.ts): an edit whose compare-and-set
 * lost to a concurrent write reads again and re-applies its change, so that no edit undoes
 * another. The races are staged by the store (test/support/racing-store.ts): a write lands right
 * between the edit's read and its write, every time, whatever the timing.
 */
describe('registry edits by compare-and-set', () => {
  let p: TestPlatform;
  let store: MemoryStore & Racing;
  const stored = async () => JSON.parse((await store.get(RECORD)) as string) as Application;

  beforeEach(async () => {
    const clock = new ManualClock();
    store = racingStore(new MemoryStore(clock));
    p = await testPlatform({ store, clock });
  });

  it('applies a change that lost its race again on the fresh record: a rename keeps a concurrent suspension', async () => {
    store.raceNext(() => suspendApplication(p.deps, DEMO.clientId));
    const seen: string[] = [];
    const updated = await p.deps.applications.update(DEMO.clientId, (app) => {
      seen.push(app.status);
      return { ...app, name: 'Renamed' };
    });
    expect(seen).toEqual(['active', 'suspended']);
    const suspension = { status: 'suspended', tokensNotBefore: p.clock.now() + CUTOFF_MARGIN_MS };
    expect(updated).toMatchObject({ ...suspension, name: 'Renamed' });
    expect(await stored()).toMatchObject({ ...suspension, name: 'Renamed' });
  });

  it('a secret rotation that read the record before a suspension keeps the suspension and its cut-off', async () => {
    const before = (await p.deps.applications.get(DEMO.clientId)) as Application;
    store.raceNext(async () => {
      p.clock.advance(5_000);
      await suspendApplication(p.deps, DEMO.clientId);
    });
    const { credential } = await issueSecret(p.deps, before, {});
    const record = await stored();
    expect(record.status).toBe('suspended');
    expect(record.tokensNotBefore).toBe(p.clock.now() + CUTOFF_MARGIN_MS);
    expect(record.credentials?.map((c) => c.id)).toContain(credential.id);
  });

  it('a suspension that lost its race to a rotation keeps the rotated secret', async () => {
    const app = (await p.deps.applications.get(DEMO.clientId)) as Application;
    let rotated = '';
    store.raceNext(async () => {
      rotated = (await issueSecret(p.deps, app, { overlapSeconds: 0 })).credential.id;
    });
    const from = store.replaces;
    await suspendApplication(p.deps, DEMO.clientId);
    const record = await stored();
    expect(record.status).toBe('suspended');
    expect(record.credentials?.map((c) => c.id)).toContain(rotated);
    expect(store.replaces - from).toBe(3); // the suspension's lost try, the rotation's, the suspension's again
  });

  it(`gives up with 409 ABORTED after ${UPDATE_ATTEMPTS} lost races, the concurrent writes kept`, async () => {
    const original = await stored();
    for (let i = 1; i <= UPDATE_ATTEMPTS; i++)
      store.raceNext(() => store.set(RECORD, JSON.stringify({ ...original, name: `Edit ${i}` })));
    let applied = 0;
    const edit = p.deps.applications.update(DEMO.clientId, (app) => {
      applied++;
      return { ...app, status: 'active', name: 'Lost' };
    });
    expect(await refusal(edit)).toEqual({
      status: 409,
      code: 'ABORTED',
      message: 'The record was changed by concurrent requests meanwhile: try again.',
    });
    expect(applied).toBe(UPDATE_ATTEMPTS);
    expect((await stored()).name).toBe(`Edit ${UPDATE_ATTEMPTS}`);
  });

  it('a change that no longer applies on the fresh record fails: a secret revoked meanwhile is 404', async () => {
    const app = (await p.deps.applications.get(DEMO.clientId)) as Application;
    const secret = app.credentials?.[0]?.id as string;
    store.raceNext(() => revokeCredential(p.deps, app, secret, 'client_secret'));
    const again = revokeCredential(p.deps, app, secret, 'client_secret');
    expect(await refusal(again)).toEqual({
      status: 404,
      code: 'NOT_FOUND',
      message: 'The specified resource is not found.',
    });
  });

  it('an edit of an absent record is 404 NOT_FOUND, and writes nothing', async () => {
    const from = store.replaces;
    const edit = p.deps.applications.update('no-such-app', (app) => ({ ...app, status: 'active' }));
    expect((await refusal(edit)).code).toBe('NOT_FOUND');
    expect(await store.get(applicationKeys.record('no-such-app'))).toBeNull();
    expect(store.replaces).toBe(from);
  });

  it('onboarding never overwrites: an application id already taken is 409 ALREADY_EXISTS', async () => {
    const before = await store.get(RECORD);
    const app = { ...(await stored()), name: 'Impostor', credentials: [] };
    expect(await refusal(p.deps.applications.create(app))).toEqual({
      status: 409,
      code: 'ALREADY_EXISTS',
      message: 'The resource that a client tried to create already exists.',
    });
    expect(await store.get(RECORD)).toBe(before);
  });

  it('the recent copy follows an edit at once', async () => {
    expect((await p.deps.applications.recent(DEMO.clientId))?.plan).not.toBe('premium');
    await p.deps.applications.update(DEMO.clientId, (app) => ({ ...app, plan: 'premium' }));
    expect((await p.deps.applications.recent(DEMO.clientId))?.plan).toBe('premium');
  });

  it("a new start's seed keeps a suspended demo application and partner suspended", async () => {
    await suspendApplication(p.deps, DEMO.clientId);
    await suspendPartner(p.deps, PARTNER);
    const cutoff = (await stored()).tokensNotBefore;
    await seedSandbox(p.deps);
    expect(await stored()).toMatchObject({ status: 'suspended', tokensNotBefore: cutoff });
    expect(await p.deps.partners.get(PARTNER)).toMatchObject({ status: 'suspended' });
  });

  describe('partners', () => {
    it('a partner update that lost its race to a suspension keeps the suspension', async () => {
      const partner = await p.deps.partners.get(PARTNER);
      store.raceNext(() => suspendPartner(p.deps, PARTNER));
      const updated = await updatePartner(p.deps, partner!, { name: 'Renamed partner' });
      const expected = {
        name: 'Renamed partner',
        status: 'suspended',
        tokensNotBefore: p.clock.now() + CUTOFF_MARGIN_MS,
      };
      expect(updated).toMatchObject(expected);
      expect(JSON.parse((await store.get(partnerKeys.record(PARTNER))) as string)).toMatchObject(expected);
    });

    it('a partner id already taken is 409 ALREADY_EXISTS, the record untouched', async () => {
      const before = await store.get(partnerKeys.record(PARTNER));
      const taken = { ...(await p.deps.partners.get(PARTNER))!, name: 'Impostor' };
      expect((await refusal(p.deps.partners.create(taken))).code).toBe('ALREADY_EXISTS');
      expect(await store.get(partnerKeys.record(PARTNER))).toBe(before);
    });

    it('onboarding generates a fresh id and creates the record', async () => {
      const created = await createPartner(p.deps, { name: 'Acme' });
      expect(await p.deps.partners.get(created.partnerId)).toEqual(created);
    });
  });

  describe('plans', () => {
    it('two plans set at once both land: one record holds every plan', async () => {
      store.raceNext(
        async () => void (await putPlan(p.deps, 'gold', { burstPerSecond: 50, quotaPerDay: 100_000 })),
      );
      await putPlan(p.deps, 'silver', { burstPerSecond: 10, quotaPerDay: 5_000 });
      expect(JSON.parse((await store.get(registryKeys.plans)) as string)).toEqual({
        gold: { burstPerSecond: 50, quotaPerDay: 100_000 },
        silver: { burstPerSecond: 10, quotaPerDay: 5_000 },
      });
    });

    it('a plan set again replaces its own settings only', async () => {
      await putPlan(p.deps, 'gold', { burstPerSecond: 50, quotaPerDay: 100_000 });
      store.raceNext(
        async () => void (await putPlan(p.deps, 'silver', { burstPerSecond: 10, quotaPerDay: 5_000 })),
      );
      await putPlan(p.deps, 'gold', { burstPerSecond: 60, quotaPerDay: 120_000 });
      expect(JSON.parse((await store.get(registryKeys.plans)) as string)).toEqual({
        gold: { burstPerSecond: 60, quotaPerDay: 120_000 },
        silver: { burstPerSecond: 10, quotaPerDay: 5_000 },
      });
    });

    it(`gives up with 409 ABORTED after ${UPDATE_ATTEMPTS} lost races`, async () => {
      for (let i = 0; i < UPDATE_ATTEMPTS; i++)
        store.raceNext(
          async () =>
            void (await store.set(
              registryKeys.plans,
              JSON.stringify({ [`p${i}`]: { burstPerSecond: 1, quotaPerDay: 1 } }),
            )),
        );
      expect(await refusal(putPlan(p.deps, 'gold', { burstPerSecond: 50, quotaPerDay: 100_000 }))).toEqual({
        status: 409,
        code: 'ABORTED',
        message: 'The record was changed by concurrent requests meanwhile: try again.',
      });
    });
  });
});
