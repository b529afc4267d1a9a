import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, expectSuccess, type Operation } from '../support/camara-assert.js';
import { FULL, PARTIAL } from '../support/kyc-sandbox.js';
import { camaraFacts } from '../support/openapi-schema.js';
import { IDENTITY, startIdentityServer, type IdentityServer } from '../e2e/support/identity.js';

/**
 * KYC Match 0.4.0 (TEST-PLAN §6), the optional idDocument scenarios: the operator requires a
 * matching idDocument before any other comparison. Over a real socket, with a client-credentials
 * token for dpv:IdentityVerification.
 */

const PATH = '/kyc-match/v0.4/match';
const op: Operation = { doc: camaraFacts('kyc-match'), path: '/match', method: 'post' };
const SCOPE = `${IDENTITY} kyc-match:match`;
const error = (status: number, code: string) => ({ status, code });

describe('KYC Match with second-level idDocument validation (KYC_ID_DOCUMENT_REQUIRED=true)', () => {
  let strict: IdentityServer;
  let token: string;
  beforeAll(async () => {
    strict = await startIdentityServer('memory', { env: { KYC_ID_DOCUMENT_REQUIRED: 'true' } });
    token = await strict.tokens.clientCredentials(SCOPE);
  });
  afterAll(async () => {
    await strict?.close();
  });
  const match = (body: unknown) => strict.post(PATH, body, token);

  it('@KYC_Match_7_success_id_document_required', async () => {
    const res = await match({ phoneNumber: FULL, idDocument: '66666666Q', name: 'Federica' });
    const body = await expectSuccess(res, op);
    expect(body).toEqual({ idDocumentMatch: 'true', nameMatch: 'false', nameMatchScore: 87 });
  });

  it('@KYC_Match_12_idDocument_required', async () => {
    const res = await match({ phoneNumber: FULL, name: 'Federica Sanchez Arjona' });
    await expectError(res, error(403, 'KNOW_YOUR_CUSTOMER.ID_DOCUMENT_REQUIRED'), op);
  });

  it('@KYC_Match_13_idDocument_mismatch_when_idDocument_is_required', async () => {
    const res = await match({ phoneNumber: FULL, idDocument: '12345678Z', name: 'Federica Sanchez Arjona' });
    await expectError(res, error(403, 'KNOW_YOUR_CUSTOMER.ID_DOCUMENT_MISMATCH'), op);
    // A record without an idDocument cannot confirm one: mismatch, never a match by default.
    const partial = await match({ phoneNumber: PARTIAL, idDocument: '12345678Z', name: 'Maria' });
    await expectError(partial, error(403, 'KNOW_YOUR_CUSTOMER.ID_DOCUMENT_MISMATCH'), op);
  });
});
