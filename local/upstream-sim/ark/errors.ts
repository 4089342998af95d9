/** Errors of the task API, answered as `{"error":{code, message, param?, type}}` (UPSTREAM.md §2). */

const TYPES: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  409: 'Conflict',
  429: 'TooManyRequests',
  500: 'InternalServerError',
  503: 'ServiceUnavailable',
};

export class SimArkError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly param?: string,
    readonly type?: string,
  ) {
    super(message);
  }

  toBody(): { error: Record<string, string> } {
    const error: Record<string, string> = { code: this.code, message: this.message };
    if (this.param !== undefined) error.param = this.param;
    error.type = this.type ?? TYPES[this.status] ?? 'Error';
    return { error };
  }
}

export const invalidParam = (param: string, why: string) =>
  new SimArkError(
    400,
    'InvalidParameter',
    `The parameter \`${param}\` specified in the request is not valid: ${why}.`,
    param,
  );

/** Default status of the codes UPSTREAM.md §2 lists, for fault rules that name only a code. */
export const ARK_CODE_STATUS: Record<string, number> = {
  InvalidParameter: 400,
  InputImageSensitiveContentDetected: 400,
  'InputImageSensitiveContentDetected.PrivacyInformation': 400,
  InputTextSensitiveContentDetected: 400,
  AuthenticationError: 401,
  AccessDenied: 403,
  AccountOverdueError: 403,
  'InvalidEndpointOrModel.NotFound': 404,
  ModelNotOpen: 404,
  RateLimitExceeded: 429,
  'RateLimitExceeded.EndpointRPMExceeded': 429,
  ModelAccountRpmRateLimitExceeded: 429,
  ModelAccountTpmRateLimitExceeded: 429,
  model_not_found: 503,
  QuotaExceeded: 429,
  ServerOverloaded: 429,
  InternalServiceError: 500,
};
