/**
 * What EventBridge does for the stack's "Step Functions Execution Status Change" rule: each closed
 * execution becomes an event delivered to functions/triggers/execution-ended.ts, with Lambda's
 * async-invocation retries (2 more attempts).
 */
import type { ExecutionStatusEvent } from '../../functions/triggers/execution-ended';
import { logger } from '../../functions/shared/logger';
import type { ExecutionEndListener, ExecutionRecord } from './executions';
import { LOCAL_ACCOUNT, LOCAL_REGION, importHandler, lambdaContext, type StepHandler } from './runner';

export const EXECUTION_ENDED = 'functions/triggers/execution-ended.ts';

export function statusChangeEvent(r: ExecutionRecord): ExecutionStatusEvent {
  return {
    version: '0',
    id: `${r.name}-${r.status}`,
    'detail-type': 'Step Functions Execution Status Change',
    source: 'aws.states',
    account: LOCAL_ACCOUNT,
    time: (r.stopDate ?? new Date()).toISOString(),
    region: LOCAL_REGION,
    resources: [r.executionArn],
    detail: {
      executionArn: r.executionArn,
      stateMachineArn: r.stateMachineArn,
      name: r.name,
      status: r.status,
      startDate: r.startDate.getTime(),
      stopDate: r.stopDate?.getTime() ?? null,
      input: r.input,
      output: r.output ?? null,
      error: r.error ?? null,
      cause: r.cause ?? null,
    },
  };
}

export interface EndEventOptions {
  retryDelaysMs?: [number, number];
  /** Replaces the handler module (tests). */
  handler?: StepHandler;
  onError?: (error: unknown, attempt: number) => void;
}

export function executionEndEvents(opts: EndEventOptions = {}): ExecutionEndListener {
  const [d1, d2] = opts.retryDelaysMs ?? [1000, 2000];
  return async (r) => {
    const event = statusChangeEvent(r);
    for (let attempt = 1; attempt <= 3; attempt++) {
      try {
        const fn = opts.handler ?? (await importHandler(EXECUTION_ENDED));
        await logger.isolate(() => fn(structuredClone(event), lambdaContext('execution-ended', 30)));
        return;
      } catch (e) {
        opts.onError?.(e, attempt);
        if (attempt < 3) await new Promise((res) => setTimeout(res, attempt === 1 ? d1 : d2));
      }
    }
  };
}
