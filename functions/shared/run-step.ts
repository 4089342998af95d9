/**
 * The one way a Step Functions task body runs: the entity ID under its own log key on every line, and
 * upstream failures rethrown under their Retry/Catch names (`Upstream.Throttled`, `Upstream.Transient`,
 * `Upstream.Rejected`). Imports only the logger and step errors, so no step bundles the S3 SDK through it.
 */
import { asStepError } from '../core/step-errors';
import { logger } from './logger';

export type StepRunner = <T>(step: string, id: string, body: () => Promise<T>) => Promise<T>;

/** `idKey` names the ID in the logs (`uploadId`, `videoId`). */
export function stepRunner(idKey: string): StepRunner {
  return async (step, id, body) => {
    logger.setContext({ step, [idKey]: id });
    try {
      return await body();
    } catch (e) {
      const err = asStepError(e);
      logger.warn('step failed', { error: err });
      throw err;
    }
  };
}
