/**
 * DELETE /videos/{videoId} as a use case: read the record, stop the execution, write `cancelled`, then
 * cancel the upstream task if it is still queued (nothing billed). A running task cannot be cancelled
 * upstream: the answer says so, since it may still be billed. Upstream trouble after the stop does not
 * fail the request — the video is cancelled for us either way — it is reported in `upstream`.
 */
import { conflict } from '../errors';
import { isTerminalRank, videoCancelledChange, type RecordStore } from '../records';
import type { CreateTaskInput } from '../ark/types';
import { cancelUpstreamTask, type TaskApi, type UpstreamCancel } from './cancel-task';
import { VIDEO_ERRORS } from './job';
import { videoRecord } from './view';

export interface CancelVideoPorts {
  records: RecordStore;
  /** StopExecution with our error and cause; false when there was no running execution. */
  stop(videoId: string, error: string, cause: string): Promise<boolean>;
  tasks: TaskApi;
  ttlSeconds: number;
}

export interface CancelVideoAnswer {
  videoId: string;
  status: 'cancelled';
  upstream: UpstreamCancel;
}

export const CANCEL_CAUSE = { code: 'CancelledByCaller', message: 'Cancelled with DELETE /videos/{videoId}' };

export async function cancelVideo(p: CancelVideoPorts, videoId: string): Promise<CancelVideoAnswer> {
  const record = await videoRecord(p.records, videoId);
  const notRunning = (status: string) =>
    conflict('VideoNotRunning', `Video ${videoId} is already ${status}`, { status });
  if (isTerminalRank(record.rank)) throw notRunning(record.status);
  await p.stop(videoId, VIDEO_ERRORS.cancelled, JSON.stringify(CANCEL_CAUSE));
  if (!(await p.records.advance(videoCancelledChange(videoId), p.ttlSeconds))) {
    // It ended between the read and the stop: answer with how it ended.
    const now = await videoRecord(p.records, videoId);
    if (now.status !== 'cancelled') throw notRunning(now.status);
  }
  const lookup = record.taskLookup;
  const request = lookup ? ({ ...lookup, content: [] } as unknown as CreateTaskInput) : undefined;
  const upstream = await cancelUpstreamTask(p.tasks, {
    ...(record.taskId ? { taskId: record.taskId } : {}),
    ...(request ? { request } : {}),
    since: new Date(record.createdAt),
    // Queued without a task: a CreateTask Lambda (which a stop does not stop) may still create one.
    creationInFlight: !record.taskId && record.status === 'queued',
    seedIsOurs: lookup?.seedIsOurs ?? true,
  });
  return { videoId, status: 'cancelled', upstream };
}
