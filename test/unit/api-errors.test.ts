import { describe, expect, it } from 'vitest';
import { API_MODULES } from '../../apis/index.js';
import { kycError } from '../../apis/kyc-match/errors.js';
import { errorCatalogue, type ApiModule } from '../../src/api-module.js';
import { createApp } from '../../src/app.js';
import { CAMARA_ERRORS, ApiError } from '../../src/errors.js';
import { apiDocument } from '../../src/openapi.js';
import { testPlatform } from '../support/app.js';

const module = (name: string, errors: ApiModule['errors']): ApiModule => ({
  ...(API_MODULES[0] as ApiModule),
  name,
  errors,
});

/** Every `{status: enum [s], code: enum [...]}` pair an OpenAPI document declares. */
function documentedCodes(node: unknown, found: [number, string][] = []): [number, string][] {
  if (typeof node !== 'object' || node === null) return found;
  const props = (node as { properties?: Record<string, { enum?: unknown[] }> }).properties;
  const statuses = props?.status?.enum;
  const codes = props?.code?.enum;
  if (statuses?.length === 1 && codes !== undefined)
    for (const code of codes) found.push([statuses[0] as number, code as string]);
  for (const value of Object.values(node)) documentedCodes(value, found);
  return found;
}

describe('API error codes are declared by each module (ApiModule.errors), not registered', () => {
  it('importing every API module registers nothing: a bare API-specific code is unknown', () => {
    expect(API_MODULES.length).toBeGreaterThan(0);
    expect(() => new ApiError('KNOW_YOUR_CUSTOMER.INVALID_PARAM_COMBINATION')).toThrow(
      new TypeError('unknown CAMARA error code KNOW_YOUR_CUSTOMER.INVALID_PARAM_COMBINATION'),
    );
  });

  it("a module's error takes its status and message from the module's own table", () => {
    const kyc = API_MODULES.find((m) => m.name === 'kyc-match');
    const error = kycError('KNOW_YOUR_CUSTOMER.INVALID_PARAM_COMBINATION');
    expect(error.toBody()).toEqual({
      status: 400,
      code: 'KNOW_YOUR_CUSTOMER.INVALID_PARAM_COMBINATION',
      message: 'Indicated parameter combination is invalid',
    });
    expect(kyc?.errors['KNOW_YOUR_CUSTOMER.INVALID_PARAM_COMBINATION']).toEqual([400, error.message]);
  });

  it('a code that is not an own entry of the table is unknown (no prototype lookups)', () => {
    expect(() => new ApiError('constructor')).toThrow(TypeError);
    expect(() => new ApiError('toString', undefined, {}, { 'X.Y': [400, 'x'] })).toThrow(TypeError);
  });

  it('every code a module documents is a CAMARA code or one of its own, with the same status', () => {
    for (const m of API_MODULES) {
      const documented = documentedCodes(apiDocument(m, m.router(), 'http://gateway.test'));
      expect(documented.length, m.name).toBeGreaterThan(0);
      for (const [status, code] of documented) {
        const entry = Object.hasOwn(CAMARA_ERRORS, code)
          ? CAMARA_ERRORS[code as keyof typeof CAMARA_ERRORS]
          : m.errors[code];
        expect([m.name, code, entry?.[0]]).toEqual([m.name, code, status]);
      }
      for (const code of Object.keys(m.errors))
        expect(
          documented.map(([, c]) => c),
          `${m.name} documents ${code}`,
        ).toContain(code);
    }
  });

  it('the catalogue holds every module code; a clash, a CAMARA code or a bad form is refused', async () => {
    expect(Object.keys(errorCatalogue(API_MODULES)).sort()).toEqual([
      'CONSENT_INFO.CAPTURE_FREQUENCY_EXCEEDED',
      'CONSENT_INFO.NOT_ALLOWED_SCOPES_PURPOSE',
      'KNOW_YOUR_CUSTOMER.ID_DOCUMENT_MISMATCH',
      'KNOW_YOUR_CUSTOMER.ID_DOCUMENT_REQUIRED',
      'KNOW_YOUR_CUSTOMER.INVALID_PARAM_COMBINATION',
      'NUMBER_VERIFICATION.USER_NOT_AUTHENTICATED_BY_MOBILE_NETWORK',
    ]);
    const a = module('a', { 'SHARED.CODE': [403, 'One.'] });
    expect(errorCatalogue([a, module('b', { 'SHARED.CODE': [403, 'One.'] })])).toEqual({
      'SHARED.CODE': [403, 'One.'],
    });
    expect(() => errorCatalogue([a, module('b', { 'SHARED.CODE': [409, 'One.'] })])).toThrow(
      'API module b: SHARED.CODE is declared differently by another module',
    );
    expect(() => errorCatalogue([module('c', { NOT_FOUND: [404, 'Mine.'] })])).toThrow(
      'API module c: NOT_FOUND is not an API-specific error code',
    );
    expect(() => errorCatalogue([module('d', { 'lower.case': [400, 'x'] })])).toThrow(
      'API module d: lower.case is not an API-specific error code',
    );
    const p = await testPlatform();
    expect(() => createApp(p.deps, { modules: [a, module('b', { 'SHARED.CODE': [409, 'One.'] })] })).toThrow(
      'API module b: SHARED.CODE is declared differently by another module',
    );
  });
});
