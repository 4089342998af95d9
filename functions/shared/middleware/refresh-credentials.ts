/**
 * Drops the cached upstream credentials when an upstream call says they are wrong, so a rotated secret
 * is picked up on the very next request instead of after the cache TTL. The cache itself is
 * functions/shared/credentials.ts (one TTL cache for API, steps and cleanup), which is why this is not
 * @middy/secrets-manager: that would be a second cache and a second GetSecretValue per cold start.
 */
import { isUpstreamError } from '../../core/errors';
import type { ApiMiddleware } from './types';

const AUTH_CODES = new Set(['InvalidAccessKey', 'SignatureDoesNotMatch', 'AuthenticationError']);

export function isCredentialRejection(e: unknown): boolean {
  return isUpstreamError(e) && (e.status === 401 || AUTH_CODES.has(e.code));
}

export function refreshCredentialsOnAuthError(clear: () => void): ApiMiddleware {
  return {
    name: 'refreshCredentialsOnAuthError',
    onError: (request) => {
      if (isCredentialRejection(request.error)) clear();
    },
  };
}
