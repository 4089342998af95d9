/**
 * CreateTask: sends the prepared request upstream and starts the poll schedule. A failure whose outcome
 * is unknown (no answer, 5xx, an unreadable 2xx) may have created the task anyway: it leaves as
 * `Upstream.Transient`, which the ASL sends to FindTask instead of retrying blindly. Throttling is a
 * clear refusal and is retried in place (`Upstream.Throttled`).
 */
import { callbackUrl } from '../../core/callbacks';
import { UpstreamError } from '../../core/errors';
import { startPolling } from '../../core/schedule';
import { StepError } from '../../core/step-errors';
import { videoProgressChange } from '../../core/records';
import { videoPollPolicy, type JobProgress, type VideoJobState } from '../../core/video';
import { getCallbackKey } from '../../shared/credentials';
import { recordTransition } from '../../shared/record-transition';
import { logger } from '../../shared/logger';
import { runStep, stepRuntime } from '../../shared/video-step';

/** A 2xx we could not read is as ambiguous as a timeout: the task probably exists. */
function ambiguousAsTransient(e: unknown): unknown {
  if (e instanceof UpstreamError && e.code === 'MalformedResponse' && e.status >= 200 && e.status < 300)
    return new StepError('Upstream.Transient', e.code, e.message, { service: e.service, status: e.status });
  return e;
}

export const handler = (input: VideoJobState): Promise<JobProgress> =>
  runStep('CreateTask', input.videoId, async () => {
    const { config, video } = stepRuntime();
    const attempt = (input.job?.createAttempts ?? 0) + 1;
    // The URL is signed with the stack's key; it is built here, so it never sits in execution state.
    const request = config.callbackBaseUrl
      ? {
          ...input.request,
          callback_url: callbackUrl(config.callbackBaseUrl, input.videoId, await getCallbackKey()),
        }
      : input.request;
    let taskId: string;
    try {
      ({ id: taskId } = await video.createTask(request));
    } catch (e) {
      throw ambiguousAsTransient(e);
    }
    logger.info('task created', { taskId, attempt, callback: Boolean(config.callbackBaseUrl) });
    const job: JobProgress = {
      taskId,
      taskStatus: 'queued',
      rawStatus: 'queued',
      createAttempts: attempt,
      poll: startPolling(videoPollPolicy(config), new Date(), config.timeScale),
    };
    await recordTransition(videoProgressChange(input, job), config);
    return job;
  });
