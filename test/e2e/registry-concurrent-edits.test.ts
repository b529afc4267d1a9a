import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deps } from '../../src/deps.js';
import { APPLICATION, call } from '../admin/support.js';
import { controlPlane } from './support/control-plane.js';
import { basicAuth } from './support/oauth.js';
import { startAdminInstances, type AdminInstances } from './support/instances.js';
import type { PlatformProcess } from './support/process.js';

/**
 * Concurrent admin edits of one record across two Node instances (two OS processes) on one real
 * Redis: a suspension at A lands amid 80 edits of the same record at B, 20 in flight at any time. Every
 * edit is a compare-and-set (src/admin/record-update.ts), so none undoes another: the record ends
 * suspended with the suspension's cut-off, and every edit that answered 2xx is in it. An edit
 * that lost every attempt answers 409 ABORTED, and the operator asks again.
 */

const PUBLIC_URL = 'http://gateway.test';
/** 20 editors at B, each sending its edits one after another: 20 in flight all along. */
const EDITORS = 20;
const ROUNDS = 4;
const SCOPE = 'dpv:FraudPreventionAndDetection sim-swap:check';
/** The kill switch's cut-off lies one second past the suspension (src/admin/kill-switch.ts). */
const CUTOFF_MARGIN_MS = 1000;
const ABORTED = {
  status: 409,
  code: 'ABORTED',
  message: 'The record was changed by concurrent requests meanwhile: try again.',
};

let instances: AdminInstances;
let a: PlatformProcess;
let b: PlatformProcess;
let operator: { deps: Deps; close(): Promise<void> };

beforeAll(async () => {
  instances = await startAdminInstances(PUBLIC_URL);
  ({ a, b } = instances);
  operator = await controlPlane(instances.env);
}, 60_000);
afterAll(async () => {
  await Promise.all([instances?.stop(), operator?.close()]);
});

/** An admin token from `url`'s token endpoint (private_key_jwt); good at both instances. */
const adminTokenAt = (url: string) => instances.adminTokenAt(url);

/** A response's status and JSON body. */
const answer = async (res: Response) => ({ status: res.status, body: (await res.json()) as unknown });

/**
 * The suspension at A, asked again on 409 as an operator's console does: any other answer ends
 * it. Its window: the instance's clock read the cut-off between `from` and the 200.
 */
async function suspendAt(url: string, path: string, admin: string) {
  const from = Date.now();
  for (;;) {
    const res = await answer(await call(url, 'POST', `${path}/suspend`, admin));
    if (res.status !== 409) return { ...res, from, to: Date.now() };
    expect(res.body).toEqual(ABORTED);
  }
}

type Answer = Awaited<ReturnType<typeof answer>>;

/**
 * The edits, EDITORS at a time, and the suspension sent once half of them have answered, so that
 * it lands while the rest are in flight (whatever the speed of the machine).
 */
async function amid<T>(edit: (n: number) => Promise<Answer>, suspend: () => Promise<T>) {
  let answered = 0;
  let halfway!: () => void;
  const started = new Promise<void>((resolve) => (halfway = resolve));
  const editors = Array.from({ length: EDITORS }, async (_, e) => {
    const answers: Answer[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      answers.push(await edit(e * ROUNDS + r));
      if (++answered === (EDITORS * ROUNDS) / 2) halfway();
    }
    return answers;
  });
  const suspension = await started.then(suspend);
  return { suspension, edits: (await Promise.all(editors)).flat() };
}

describe('concurrent admin edits across two instances on one Redis', () => {
  let admin: string;
  let partnerId: string;

  beforeAll(async () => {
    admin = await adminTokenAt(a.url);
    const partner = await call(a.url, 'POST', '/admin/v1/partners', admin, { name: 'Acme Bank' });
    expect(partner.status).toBe(201);
    partnerId = ((await partner.json()) as { partnerId: string }).partnerId;
  });

  it('a suspension at A and 80 secret rotations at B: suspended with its cut-off, no rotation lost', async () => {
    const created = await call(
      a.url,
      'POST',
      `/admin/v1/partners/${partnerId}/applications`,
      admin,
      APPLICATION,
    );
    expect(created.status).toBe(201);
    const { clientId } = (await created.json()) as { clientId: string };
    const base = `/admin/v1/partners/${partnerId}/applications/${clientId}`;

    const { suspension, edits: rotated } = await amid(
      () => call(b.url, 'POST', `${base}/secrets`, admin, {}).then(answer),
      () => suspendAt(a.url, base, admin),
    );

    expect(suspension.status).toBe(200);
    expect(suspension.body).toMatchObject({ clientId, status: 'suspended' });
    const issued: { credentialId: string; clientSecret: string }[] = [];
    for (const r of rotated) {
      if (r.status === 201) issued.push(r.body as { credentialId: string; clientSecret: string });
      else expect(r).toEqual({ status: 409, body: ABORTED });
    }
    expect(issued.length).toBeGreaterThan(0);

    const record = await operator.deps.applications.get(clientId);
    expect(record?.status).toBe('suspended');
    expect(record?.tokensNotBefore).toBeGreaterThanOrEqual(suspension.from + CUTOFF_MARGIN_MS);
    expect(record?.tokensNotBefore).toBeLessThanOrEqual(suspension.to + CUTOFF_MARGIN_MS);
    const kept = new Set((record?.credentials ?? []).map((c) => c.id));
    expect(issued.map((i) => i.credentialId).filter((id) => !kept.has(id))).toEqual([]);

    // Over the API too, at either instance: suspended, and every secret that answered 201 listed.
    const read = await answer(await call(b.url, 'GET', base, admin));
    expect(read.body).toMatchObject({ status: 'suspended' });
    const listed = await answer(await call(a.url, 'GET', `${base}/secrets`, admin));
    const ids = (listed.body as { items: { id: string }[] }).items.map((c) => c.id);
    expect(ids).toEqual(expect.arrayContaining(issued.map((i) => i.credentialId)));
    // The kill switch holds: no rotated secret gets a token at either instance.
    for (const url of [a.url, b.url]) {
      const res = await fetch(`${url}/oauth2/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: basicAuth(clientId, (issued[0] as { clientSecret: string }).clientSecret),
        },
        body: new URLSearchParams({ grant_type: 'client_credentials', scope: SCOPE }).toString(),
      });
      expect([res.status, ((await res.json()) as { error: string }).error]).toEqual([401, 'invalid_client']);
    }
  }, 60_000);

  // Three partners: the edit that would undo the suspension must read just before it and write
  // just after, so each round is one more chance for an unguarded write to show.
  it.each([1, 2, 3])(
    'a partner suspension at A and 80 partner updates at B: suspended with its cut-off, one whole update kept (partner %i)',
    async () => {
      const created = await call(a.url, 'POST', '/admin/v1/partners', admin, { name: 'Globex' });
      expect(created.status).toBe(201);
      const { partnerId: id } = (await created.json()) as { partnerId: string };
      const path = `/admin/v1/partners/${id}`;

      const { suspension, edits: updated } = await amid(
        (i) =>
          call(b.url, 'PATCH', path, admin, {
            name: `Globex ${i}`,
            contact: { email: `ops-${i}@globex.example` },
          }).then(answer),
        () => suspendAt(a.url, path, admin),
      );
      expect(suspension.status).toBe(200);
      expect(suspension.body).toMatchObject({ partnerId: id, status: 'suspended' });
      const names: string[] = [];
      for (const r of updated) {
        if (r.status === 200) names.push((r.body as { name: string }).name);
        else expect(r).toEqual({ status: 409, body: ABORTED });
      }
      expect(names.length).toBeGreaterThan(0);

      const record = await operator.deps.partners.get(id);
      expect(record?.status).toBe('suspended');
      expect(record?.tokensNotBefore).toBeGreaterThanOrEqual(suspension.from + CUTOFF_MARGIN_MS);
      expect(record?.tokensNotBefore).toBeLessThanOrEqual(suspension.to + CUTOFF_MARGIN_MS);
      // Name and contact of one update that answered 200, together: no edit half-applied.
      expect(names).toContain(record?.name);
      expect(record?.contact).toEqual({
        email: `ops-${(record?.name as string).slice('Globex '.length)}@globex.example`,
      });
      const read = await answer(await call(b.url, 'GET', path, admin));
      expect(read.body).toMatchObject({ status: 'suspended', name: record?.name });
    },
    60_000,
  );
});
