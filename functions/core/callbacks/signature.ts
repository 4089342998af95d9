/**
 * The upstream callback URL and its signature. Ark POSTs a task's Get body to `callback_url`
 * unsigned, so the URL itself carries the proof that we made it: `sig` = HMAC-SHA256 of the video ID
 * with a stack secret. It only says "this URL is ours for this video"; the body is never trusted (the
 * handler re-fetches the task), so a leaked URL can at most make us look at one task early.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const CALLBACK_PATH_PREFIX = '/callbacks/ark/';

export function callbackSignature(secret: string, videoId: string): string {
  return createHmac('sha256', secret).update(`ark-callback:${videoId}`).digest('base64url');
}

/** Constant-time comparison; any malformed input is simply not a match. */
export function verifyCallbackSignature(secret: string, videoId: string, sig: string | undefined): boolean {
  if (!sig || !secret) return false;
  const expected = Buffer.from(callbackSignature(secret, videoId));
  const given = Buffer.from(sig);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** `<base>/callbacks/ark/<videoId>?sig=…`; the base is the stack's public API URL. */
export function callbackUrl(baseUrl: string, videoId: string, secret: string): string {
  const base = baseUrl.replace(/\/+$/, '');
  return `${base}${CALLBACK_PATH_PREFIX}${encodeURIComponent(videoId)}?sig=${callbackSignature(secret, videoId)}`;
}
