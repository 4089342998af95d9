import { expect } from 'vitest';
import { UpstreamError } from '../../functions/core/errors';

/** Awaits a call that must fail, asserts it failed with an UpstreamError, and returns it for more checks. */
export async function upstreamFailure(p: Promise<unknown>): Promise<UpstreamError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(UpstreamError);
  return e as UpstreamError;
}
