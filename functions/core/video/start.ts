/**
 * POST /videos as a use case: start a video once, or answer a replay of it. The record is the lock: it
 * is created (conditionally) before the execution starts, so two requests with one Idempotency-Key
 * race on the table, not on Step Functions, and the loser answers from the winner's record. A replay
 * whose record never got past `queued` without a task starts the execution again with the same input,
 * which is a no-op when it runs and repairs a start lost to a crash. A start that fails outright removes
 * the record, so a refused request leaves nothing behind.
 */
import { ApiError } from '../errors';
import { newVideoRecord, taskLookupOf, type RecordStore, type VideoRecord } from '../records';
import { VIDEO_RANK } from '../records/transitions';
import type { VideoJobInput } from './job';

/** The port to Step Functions: start an execution named by the job ID. */
export interface ExecutionStarter {
  /** `exists` when an execution of that name exists (running with this input, or closed). */
  start(name: string, input: string): Promise<'started' | 'exists'>;
}

export interface StartVideoPorts {
  records: RecordStore;
  executions: ExecutionStarter;
  ttlSeconds: number;
}

export interface StartVideoArgs {
  videoId: string;
  fingerprint: string;
  model: string;
  /** The IAM principal asking (recorded for GET /usage?groupBy=caller). */
  caller?: string;
  /** Checks the request (rules, referenced assets) and returns the groups it references; not run on a replay. */
  check(): Promise<{ groupIds: string[] }>;
  /**
   * The execution input for a request made at `requestedAt`; the same for the same arguments. On a
   * replay it gets the stored record, whose `media` is the expansion the first call made.
   */
  input(requestedAt: string, groupIds: string[], existing?: VideoRecord): VideoJobInput;
  now?: Date;
}

export interface StartVideoAnswer {
  videoId: string;
  status: VideoRecord['status'];
  replayed: boolean;
  /** What the prompt calls each media item; a replay answers the first call's. */
  media: NonNullable<VideoRecord['media']>;
}

async function replay(
  p: StartVideoPorts,
  a: StartVideoArgs,
  existing: VideoRecord,
): Promise<StartVideoAnswer> {
  if (existing.fingerprint !== a.fingerprint)
    throw new ApiError(
      'IdempotencyConflict',
      'This Idempotency-Key was already used with a different request body; use a new key for a new video',
      { videoId: a.videoId },
    );
  if (existing.status === 'queued' && !existing.taskId)
    await p.executions.start(
      a.videoId,
      JSON.stringify(a.input(existing.createdAt, existing.groupIds ?? [], existing)),
    );
  return { videoId: a.videoId, status: existing.status, replayed: true, media: existing.media ?? [] };
}

const asVideo = (r: Awaited<ReturnType<RecordStore['get']>>): VideoRecord | undefined =>
  r?.kind === 'video' ? r : undefined;

export async function startOrReplayVideo(p: StartVideoPorts, a: StartVideoArgs): Promise<StartVideoAnswer> {
  // A replay is answered from what was started, even if an asset changed since.
  const existing = asVideo(await p.records.get('video', a.videoId));
  if (existing) return replay(p, a, existing);

  const { groupIds } = await a.check();
  const requestedAt = (a.now ?? new Date()).toISOString();
  const input = a.input(requestedAt, groupIds);
  const record = newVideoRecord({
    videoId: a.videoId,
    fingerprint: a.fingerprint,
    requestedAt,
    model: a.model,
    groupIds,
    taskLookup: taskLookupOf(input),
    ...(input.media ? { media: input.media } : {}),
    ...(input.metadata ? { metadata: input.metadata } : {}),
    ...(a.caller ? { caller: a.caller } : {}),
  });
  if (!(await p.records.create(record, p.ttlSeconds))) {
    const winner = asVideo(await p.records.get('video', a.videoId));
    if (winner) return replay(p, a, winner);
  }
  try {
    await p.executions.start(a.videoId, JSON.stringify(input));
  } catch (e) {
    await p.records.removeIfRank('video', a.videoId, VIDEO_RANK.queued).catch(() => undefined);
    throw e;
  }
  return { videoId: a.videoId, status: 'queued', replayed: false, media: input.media ?? [] };
}
