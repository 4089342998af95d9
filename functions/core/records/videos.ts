/**
 * Video records: the one written when POST /videos starts a job, and the writes at each transition of
 * the video state machine (CreateTask/FindTask → queued with the task, PollTask → queued/running,
 * SaveVideo → saving then succeeded, the execution's end → its final status).
 */
import type { VideoStatus } from '../api-schemas/videos';
import type { JobProgress, VideoJobInput, VideoResult } from '../video/job';
import { videoError, videoStatus } from '../video/status';
import { usageEntryOf } from '../usage/ledger';
import { parseJson, type ExecutionEnd } from './execution-end';
import { TERMINAL_RANK, VIDEO_RANK } from './transitions';
import type { RecordChange, TaskLookupFacts, VideoRecord } from './types';

export interface NewVideo {
  videoId: string;
  fingerprint: string;
  requestedAt: string;
  model: string;
  groupIds: string[];
  taskLookup?: TaskLookupFacts;
  media?: VideoRecord['media'];
  metadata?: VideoRecord['metadata'];
  caller?: string;
}

/** The options a task is matched by (never the prompt or the media). */
export function taskLookupOf(input: Pick<VideoJobInput, 'request' | 'seedChosenByCaller'>): TaskLookupFacts {
  const r = input.request;
  return {
    model: r.model,
    ...(r.seed !== undefined ? { seed: r.seed } : {}),
    ...(r.ratio !== undefined ? { ratio: r.ratio } : {}),
    ...(r.resolution !== undefined ? { resolution: r.resolution } : {}),
    ...(r.duration !== undefined ? { duration: r.duration } : {}),
    seedIsOurs: !input.seedChosenByCaller,
  };
}

export function newVideoRecord(v: NewVideo): VideoRecord {
  return {
    kind: 'video',
    id: v.videoId,
    status: 'queued',
    rank: VIDEO_RANK.queued,
    createdAt: v.requestedAt,
    updatedAt: v.requestedAt,
    fingerprint: v.fingerprint,
    model: v.model,
    ...(v.groupIds.length > 0 ? { groupIds: v.groupIds } : {}),
    ...(v.taskLookup ? { taskLookup: v.taskLookup } : {}),
    ...(v.media ? { media: v.media } : {}),
    ...(v.metadata ? { metadata: v.metadata } : {}),
    ...(v.caller ? { caller: v.caller } : {}),
  };
}

/** What every write carries so that it can create a missing record (see RecordChange.setIfMissing). */
function identity(
  input: Pick<VideoJobInput, 'requestedAt' | 'request' | 'groupIds' | 'fingerprint' | 'seedChosenByCaller'>,
) {
  return {
    createdAt: input.requestedAt,
    taskLookup: taskLookupOf(input),
    model: input.request.model,
    fingerprint: input.fingerprint,
    ...(input.groupIds && input.groupIds.length > 0 ? { groupIds: input.groupIds } : {}),
  };
}

export function videoChange(
  input: Pick<
    VideoJobInput,
    'videoId' | 'requestedAt' | 'request' | 'groupIds' | 'fingerprint' | 'seedChosenByCaller'
  >,
  status: VideoStatus,
  set: Partial<
    Pick<
      VideoRecord,
      | 'taskId'
      | 'rawStatus'
      | 'result'
      | 'finishedAt'
      | 'error'
      | 'usage'
      | 'queuePosition'
      | 'estimatedStartAt'
    >
  >,
  at: Date = new Date(),
): RecordChange {
  return {
    kind: 'video',
    id: input.videoId,
    status,
    rank: VIDEO_RANK[status],
    at,
    set,
    setIfMissing: identity(input),
  };
}

/** After a poll (or the create/find that starts polling): queued or running with the task it knows. */
export function videoProgressChange(input: VideoJobInput, job: JobProgress, at?: Date): RecordChange {
  const status: VideoStatus = job.taskStatus === 'running' ? 'running' : 'queued';
  return videoChange(
    input,
    status,
    {
      ...(job.taskId ? { taskId: job.taskId } : {}),
      ...(job.rawStatus ? { rawStatus: job.rawStatus } : {}),
    },
    at,
  );
}

export function videoSucceededChange(input: VideoJobInput, result: VideoResult, at?: Date): RecordChange {
  const usage = usageEntryOf(result, input.request);
  return videoChange(
    input,
    'succeeded',
    {
      taskId: result.taskId,
      result,
      finishedAt: (at ?? new Date()).toISOString(),
      ...(usage ? { usage } : {}),
    },
    at,
  );
}

/** The final write from the execution's end, whatever ended it. */
export function videoEndChange(end: ExecutionEnd): RecordChange {
  const input = parseJson<VideoJobInput>(end.input);
  const status = videoStatus(end.status, end.error);
  const at = end.stopDate ?? new Date();
  const set: Record<string, unknown> = { finishedAt: at.toISOString() };
  if (status === 'succeeded') {
    const result = parseJson<VideoResult>(end.output);
    if (result) {
      set.result = result;
      set.taskId = result.taskId;
      const usage = usageEntryOf(result, input?.request);
      if (usage) set.usage = usage;
    }
  } else if (end.error || end.cause) {
    const { code, message } = videoError(end.error, end.cause);
    set.error = { code, message };
  }
  const requestedAt = input?.requestedAt ?? (end.startDate ?? at).toISOString();
  return {
    kind: 'video',
    id: end.name,
    status,
    rank: TERMINAL_RANK,
    at,
    set,
    setIfMissing: {
      createdAt: requestedAt,
      ...(input?.request?.model ? { model: input.request.model, taskLookup: taskLookupOf(input) } : {}),
      ...(input?.fingerprint ? { fingerprint: input.fingerprint } : {}),
      ...(input?.groupIds && input.groupIds.length > 0 ? { groupIds: input.groupIds } : {}),
    },
  };
}

/** DELETE /videos/{videoId}: the caller's stop, written at once so the next read says so. */
export function videoCancelledChange(videoId: string, at: Date = new Date()): RecordChange {
  return {
    kind: 'video',
    id: videoId,
    status: 'cancelled',
    rank: TERMINAL_RANK,
    at,
    set: {
      finishedAt: at.toISOString(),
      error: { code: 'CancelledByCaller', message: 'Cancelled with DELETE /videos/{videoId}' },
    },
    setIfMissing: {},
  };
}
