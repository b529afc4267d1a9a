import { describe, expect, it } from 'vitest';
import { API_MODULES } from '../../apis/index.js';
import { scopeCatalogue } from '../../src/app.js';
import { seedSandboxPartner, SANDBOX_APPLICATIONS, SANDBOX_PARTNER } from '../../src/sandbox-seed.js';
import { DEMO, testPlatform } from '../support/app.js';
import { liveSecretHashes } from '../../src/admin/v1/credentials.js';
import { registryKeys } from '../../src/store/keys.js';

/** The sandbox seed is an operator-admin's onboarding through the admin service layer. */
describe('sandbox seed through the admin service layer', () => {
  it("passes the admin API's checks against the real scope catalogue", async () => {
    const { deps } = await testPlatform();
    await expect(seedSandboxPartner(deps, scopeCatalogue(API_MODULES))).resolves.toBeUndefined();
  });

  it('indexes the demo applications under the demo partner, the demo secret as a live credential', async () => {
    const { deps } = await testPlatform();
    expect(await deps.partners.get(SANDBOX_PARTNER.partnerId)).toMatchObject({ status: 'active' });
    expect(await deps.store.setMembers(registryKeys.applicationsOf(SANDBOX_PARTNER.partnerId))).toEqual(
      SANDBOX_APPLICATIONS.map((a) => a.clientId).sort(),
    );
    const demo = await deps.applications.get(DEMO.clientId);
    expect(demo?.secretHash).toBeUndefined();
    expect(demo?.credentials).toHaveLength(1);
    expect(liveSecretHashes(demo!, deps.clock.now())).toHaveLength(1);
    // Seeding again (every start) replaces the demo secret rather than piling up credentials.
    await seedSandboxPartner(deps);
    expect((await deps.applications.get(DEMO.clientId))?.credentials).toHaveLength(1);
  });
});
