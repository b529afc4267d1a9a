/**
 * The CAMARA error catalogue (Commonalities Design Guide §3.1, CAMARA_common.yaml) and the
 * OAuth 2.0 error form (RFC 6749 §5.2). Code throws these; only `http/on-error.ts` writes bodies.
 */

/** Standard CAMARA codes with their HTTP status and default message. */
export const CAMARA_ERRORS = {
  INVALID_ARGUMENT: [400, 'Client specified an invalid argument, request body or query param.'],
  OUT_OF_RANGE: [400, 'Client specified an invalid range.'],
  UNAUTHENTICATED: [
    401,
    'Request not authenticated due to missing, invalid, or expired credentials. A new authentication is required.',
  ],
  PERMISSION_DENIED: [403, 'Client does not have sufficient permissions to perform this action.'],
  INVALID_TOKEN_CONTEXT: [403, 'phoneNumber is not consistent with access token.'],
  NOT_FOUND: [404, 'The specified resource is not found.'],
  IDENTIFIER_NOT_FOUND: [404, 'Device identifier not found.'],
  METHOD_NOT_ALLOWED: [405, 'The requested method is not allowed/supported on the target resource.'],
  NOT_ACCEPTABLE: [
    406,
    'The server cannot produce a response matching the content requested by the client through Accept-* headers.',
  ],
  ABORTED: [409, 'Concurrency conflict.'],
  ALREADY_EXISTS: [409, 'The resource that a client tried to create already exists.'],
  GONE: [410, 'Access to the target resource is no longer available.'],
  FAILED_PRECONDITION: [412, 'Request cannot be executed in the current system state.'],
  CONTENT_TOO_LARGE: [413, 'The request body is larger than the server is willing to process.'],
  UNSUPPORTED_MEDIA_TYPE: [
    415,
    'The server refuses to accept the request because the payload format is in an unsupported format.',
  ],
  SERVICE_NOT_APPLICABLE: [422, 'The service is not available for the provided identifier.'],
  MISSING_IDENTIFIER: [422, 'The device cannot be identified.'],
  UNSUPPORTED_IDENTIFIER: [422, 'The identifier provided is not supported.'],
  UNNECESSARY_IDENTIFIER: [422, 'The device is already identified by the access token.'],
  QUOTA_EXCEEDED: [429, 'Out of resource quota.'],
  TOO_MANY_REQUESTS: [429, 'Rate limit reached.'],
  INTERNAL: [500, 'Unknown server error. Typically a server bug.'],
  BAD_GATEWAY: [502, 'An upstream internal service cannot be reached.'],
  UNAVAILABLE: [503, 'Service Unavailable.'],
  TIMEOUT: [504, 'Request timeout exceeded.'],
} as const satisfies Record<string, readonly [number, string]>;

export type CamaraCode = keyof typeof CAMARA_ERRORS;

/**
 * API-specific codes (`{{API_NAME}}.{{SPECIFIC_CODE}}`) with their status and the spec's message:
 * each API module declares its own (ApiModule.errors), the consent platform its own, as plain
 * values. Nothing is registered anywhere: importing a module has no effect on what another throws.
 */
export type ErrorTable = Readonly<Record<string, readonly [status: number, message: string]>>;

// Own properties only: a code such as `constructor` is nobody's error.
const entryOf = (table: ErrorTable, code: string) => (Object.hasOwn(table, code) ? table[code] : undefined);

export type ErrorInfo = { status: number; code: string; message: string };

/** A CAMARA error response: `{status, code, message}`. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly headers: Record<string, string>;

  /** `table`: where `code` is found when it is not a standard CAMARA code (see apiErrors). */
  constructor(
    code: CamaraCode | (string & {}),
    message?: string,
    headers: Record<string, string> = {},
    table: ErrorTable = {},
  ) {
    const entry = entryOf(CAMARA_ERRORS, code) ?? entryOf(table, code);
    if (entry === undefined) throw new TypeError(`unknown CAMARA error code ${code}`);
    super(message ?? entry[1]);
    this.name = 'ApiError';
    this.status = entry[0];
    this.code = code;
    this.headers = headers;
  }

  toBody(): ErrorInfo {
    return { status: this.status, code: this.code, message: this.message };
  }
}

/**
 * The errors of one table, typed by its codes: `const kycError = apiErrors(KYC_ERROR_TABLE)`, then
 * `throw kycError('KNOW_YOUR_CUSTOMER.INVALID_PARAM_COMBINATION')`.
 */
export function apiErrors<T extends ErrorTable>(
  table: T,
): (code: keyof T & string, message?: string, headers?: Record<string, string>) => ApiError {
  return (code, message, headers) => new ApiError(code, message, headers, table);
}

/** OAuth 2.0 error codes (RFC 6749 §5.2, RFC 7009, CIBA §11, ICM Appendix A) with their status. */
export const OAUTH_ERRORS = {
  invalid_request: 400,
  invalid_client: 401,
  invalid_grant: 400,
  unauthorized_client: 400,
  unsupported_grant_type: 400,
  invalid_scope: 400,
  /** RFC 8707 §2: the requested resource is not one this client may have a token for. */
  invalid_target: 400,
  invalid_request_object: 400,
  request_uri_not_supported: 400,
  unsupported_response_type: 400,
  unsupported_token_type: 400,
  authorization_pending: 400,
  slow_down: 400,
  expired_token: 400,
  access_denied: 403,
  consent_required: 400,
  invalid_token: 401,
  temporarily_unavailable: 503,
  too_many_requests: 429,
  server_error: 500,
} as const;

export type OAuthCode = keyof typeof OAUTH_ERRORS;

/** An error of the authorization server endpoints, in RFC 6749 §5.2 form. */
export class OAuthError extends Error {
  readonly status: number;
  readonly error: OAuthCode;
  readonly headers: Record<string, string>;

  constructor(error: OAuthCode, description: string, headers: Record<string, string> = {}, status?: number) {
    super(description);
    this.name = 'OAuthError';
    this.error = error;
    this.status = status ?? OAUTH_ERRORS[error];
    this.headers = headers;
  }

  toBody(): { error: OAuthCode; error_description: string } {
    return { error: this.error, error_description: this.message };
  }
}
