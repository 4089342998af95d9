/**
 * EventBridge "Step Functions Execution Status Change" (SUCCEEDED, FAILED, TIMED_OUT, ABORTED) of either
 * state machine → the record's final write. It covers the ends no step sees: Fail states, retries run
 * out, the backstop timeout, a stop. The execution name says whose record it is (video IDs and upload
 * IDs have distinct formats). Events arrive at least once and in any order; the write is conditional
 * (functions/core/records/transitions.ts), so a duplicate or a late one changes nothing. A write that
 * fails is thrown, so Lambda's async retries (and then the dead-letter queue) keep it.
 */
import type { EventBridgeEvent } from 'aws-lambda';
import { loadConfig } from '../core/config';
import { uploadEndChange, videoEndChange, type ExecutionEnd, type RecordChange } from '../core/records';
import { isUploadId } from '../core/uploads';
import { isVideoId } from '../core/video';
import { ttlSecondsOf } from '../shared/dynamodb';
import { logger } from '../shared/logger';
import { recordsFor } from '../shared/record-transition';

export interface ExecutionStatusDetail {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: string;
  /** Epoch milliseconds. */
  startDate?: number | null;
  stopDate?: number | null;
  input?: string | null;
  output?: string | null;
  error?: string | null;
  cause?: string | null;
}

export type ExecutionStatusEvent = EventBridgeEvent<
  'Step Functions Execution Status Change',
  ExecutionStatusDetail
>;

const ENDED = new Set(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED']);

function endOf(d: ExecutionStatusDetail): ExecutionEnd {
  return {
    name: d.name,
    status: d.status,
    ...(d.startDate ? { startDate: new Date(d.startDate) } : {}),
    ...(d.stopDate ? { stopDate: new Date(d.stopDate) } : {}),
    ...(d.input ? { input: d.input } : {}),
    ...(d.output ? { output: d.output } : {}),
    ...(d.error ? { error: d.error } : {}),
    ...(d.cause ? { cause: d.cause } : {}),
  };
}

export async function handler(event: ExecutionStatusEvent): Promise<{ recorded: boolean }> {
  const d = event.detail;
  if (!ENDED.has(d.status)) return { recorded: false };
  let change: RecordChange;
  if (isVideoId(d.name)) change = videoEndChange(endOf(d));
  else if (isUploadId(d.name)) change = uploadEndChange(endOf(d));
  else {
    logger.warn('execution end of an unknown job', { executionName: d.name.slice(0, 80) });
    return { recorded: false };
  }
  const config = loadConfig();
  const recorded = await recordsFor(config).advance(change, ttlSecondsOf(config));
  logger.info('execution end recorded', { id: d.name, status: change.status, applied: recorded });
  return { recorded };
}
