/**
 * Volcengine OpenAPI error catalogue: code → HTTP status and CodeN, from UPSTREAM.md §1 "Errors" plus the
 * public-error-code page (volcengine.com/docs/6369/68677) for the auth codes UPSTREAM.md does not list.
 */

interface CatalogueEntry {
  status: number;
  codeN?: number;
  message: string;
}

export const VOLC_ERRORS: Readonly<Record<string, CatalogueEntry>> = {
  MissingParameter: { status: 400, codeN: 100002, message: 'The request is missing %s parameter.' },
  MissingAuthenticationToken: {
    status: 401,
    codeN: 100003,
    message: 'Request is missing Authentication Token.',
  },
  MissingRequestInfo: { status: 400, codeN: 100004, message: 'The request is missing %s information.' },
  MissingSignature: { status: 401, codeN: 100005, message: 'The request is missing signature.' },
  InvalidTimestamp: { status: 400, codeN: 100006, message: 'The Signature of the request is expired.' },
  InvalidActionOrVersion: {
    status: 404,
    codeN: 100008,
    message: 'Could not find operation %s for version %s.',
  },
  InvalidAccessKey: {
    status: 401,
    codeN: 100009,
    message: 'The accesskey included in the request is invalid.',
  },
  SignatureDoesNotMatch: {
    status: 401,
    codeN: 100010,
    message:
      'The request signature we calculated does not match the signature you provided. Check your Secret Access Key and signing method. Consult the service documentation for details.',
  },
  InvalidAuthorization: {
    status: 400,
    message: "Invalid 'Authorization' header, Pls check authorization header.",
  },
  InvalidCredential: {
    status: 400,
    message: "Invalid credential in 'Authorization', Pls check credential in authorization header.",
  },
  InvalidSecretToken: { status: 401, message: 'Invalid secret token, msg: %s.' },
  AccessDenied: {
    status: 403,
    codeN: 100013,
    message: 'User is not authorized to perform: %s on resource: %s.',
  },
  InternalError: {
    status: 500,
    codeN: 100014,
    message: 'Service has some internal Error. Pls Contact With Admin.',
  },
  FlowLimitExceeded: { status: 429, codeN: 100018, message: 'Flow limit exceeded, please retry later.' },
  AccountFlowLimitExceeded: {
    status: 429,
    codeN: 100027,
    message: 'Request denied by the account flow limit of %s, please retry later.',
  },
  QuotaWriteQPMExceeded: {
    status: 429,
    message: 'The write quota of your account is exceeded: %s accepts %s calls per minute on the %s tier.',
  },
  SubscriptionRequired: { status: 403, message: 'The asset library entitlement package is not activated.' },
  InvalidParameter: { status: 400, message: 'The parameter %s is invalid.' },
  'NotFound.group_id': { status: 404, message: 'The specified group_id %s is not found.' },
  'NotFound.asset_id': { status: 404, message: 'The specified asset_id %s is not found.' },
};

/** An error a Volcengine handler throws; the server turns it into the `ResponseMetadata.Error` envelope. */
export class SimVolcError extends Error {
  readonly status: number;
  readonly codeN: number | undefined;

  constructor(
    readonly code: string,
    message?: string,
    status?: number,
  ) {
    const entry = VOLC_ERRORS[code] ?? VOLC_ERRORS[code.split('.')[0] ?? code];
    super(message ?? entry?.message ?? code);
    this.status = status ?? entry?.status ?? 400;
    this.codeN = entry?.codeN;
  }
}

/** `%s` placeholders filled in order, as the upstream message templates do. */
export function fill(template: string, ...args: string[]): string {
  let i = 0;
  return template.replace(/%s/g, () => args[i++] ?? '');
}

export function volcError(code: string, ...args: string[]): SimVolcError {
  const entry = VOLC_ERRORS[code] ?? VOLC_ERRORS[code.split('.')[0] ?? code];
  return new SimVolcError(code, entry ? fill(entry.message, ...args) : undefined);
}

export const invalidParameter = (field: string, why: string) =>
  new SimVolcError(`InvalidParameter.${field}`, `The parameter ${field} is invalid: ${why}`);

export const missingParameter = (field: string) => volcError('MissingParameter', field);
