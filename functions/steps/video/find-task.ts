/**
 * FindTask: after CreateTask failed ambiguously, looks for the task among recent ones before anything is
 * created again (functions/core/video/find-task.ts explains the match). Found → the poll loop adopts it;
 * not found → CreateTask may run again, at most MAX_CREATE_ATTEMPTS times in all; a recent task that
 * cannot be verified, or a gateway that cannot list tasks, stops the video (`TaskCreationUncertain`)
 * rather than risk paying twice.
 */
import type { VideoTask } from '../../core/ark';
import { UpstreamError } from '../../core/errors';
import { startPolling } from '../../core/schedule';
import { StepError, parseStepFailure } from '../../core/step-errors';
import {
  MAX_CREATE_ATTEMPTS,
  VIDEO_ERRORS,
  lookForOurTask,
  recentTasks,
  videoPollPolicy,
  type JobProgress,
  type VideoJobState,
} from '../../core/video';
import { videoProgressChange } from '../../core/records';
import { logger } from '../../shared/logger';
import { recordTransition } from '../../shared/record-transition';
import { runStep, stepRuntime } from '../../shared/video-step';

export const handler = (input: VideoJobState): Promise<JobProgress> =>
  runStep('FindTask', input.videoId, async () => {
    const { config, video } = stepRuntime();
    const attempts = (input.job?.createAttempts ?? 0) + 1;
    const since = new Date(input.requestedAt);
    let seen: VideoTask[];
    try {
      seen = await recentTasks(video, input.request.model, since);
    } catch (e) {
      // Throttling and faults are retried by the ASL; a refusal means this gateway cannot list tasks.
      if (e instanceof UpstreamError && !e.retryable)
        throw new StepError(
          VIDEO_ERRORS.creationUncertain,
          'TaskLookupUnavailable',
          `CreateTask failed without a clear answer and the task list cannot be read (${e.code}); ` +
            'not creating it again to avoid paying twice',
          { upstreamCode: e.code },
        );
      throw e;
    }
    const lookup = lookForOurTask(input.request, seen, since, !input.seedChosenByCaller);
    const cause = input.createError
      ? parseStepFailure(input.createError.Error, input.createError.Cause)
      : undefined;
    if (lookup.match) {
      logger.info('found the task of an ambiguous CreateTask', { taskId: lookup.match.id, attempts });
      const job: JobProgress = {
        taskId: lookup.match.id,
        taskStatus: lookup.match.status,
        rawStatus: lookup.match.rawStatus,
        createAttempts: attempts,
        poll: startPolling(videoPollPolicy(config), new Date(), config.timeScale),
      };
      // The slot CreateTask took before its ambiguous call is this task's.
      const slot = input.budget?.slot;
      if (slot?.ticket !== undefined && slot.pool) job.slot = { pool: slot.pool, ticket: slot.ticket };
      await recordTransition(videoProgressChange(input, job), config);
      return job;
    }
    if (lookup.unverifiable.length > 0)
      throw new StepError(
        VIDEO_ERRORS.creationUncertain,
        'TaskUnverifiable',
        `CreateTask failed without a clear answer and ${lookup.unverifiable.length} recent task(s) that could be ` +
          'ours carry no seed to check; not creating it again to avoid paying twice',
        { candidates: lookup.unverifiable.map((t) => t.id) },
      );
    if (attempts >= MAX_CREATE_ATTEMPTS)
      throw new StepError(
        VIDEO_ERRORS.creationFailed,
        cause?.code ?? 'CreateTaskFailed',
        `CreateTask failed ${attempts} times without creating a task${cause ? `: ${cause.message}` : ''}`,
        { attempts },
      );
    logger.warn('no task found after an ambiguous CreateTask; creating again', {
      attempts,
      recent: lookup.recent,
      createError: cause?.code,
    });
    return { createAttempts: attempts };
  });
