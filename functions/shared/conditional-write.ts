/**
 * DynamoDB's refusal of a conditional write, which the stores answer as `false` ("another writer was
 * first", "already there"), not as an error. By name, so one check fits every client and the bundles
 * of the stores need not import the exception class.
 */
export const isConditionFailure = (e: unknown): boolean =>
  e instanceof Error && e.name === 'ConditionalCheckFailedException';

/** Runs a conditional write: true when it was applied, false when its condition refused it. */
export async function conditionally(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (e) {
    if (isConditionFailure(e)) return false;
    throw e;
  }
}
