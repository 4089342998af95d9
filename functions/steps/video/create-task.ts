/**
 * CreateTask: sends the prepared request upstream and starts the poll schedule. A failure whose outcome
 * is unknown (no answer, 5xx, an unreadable 2xx) may have created the task anyway: it leaves as
 * `Upstream.Transient`, which the ASL sends to FindTask instead of retrying blindly.
 *
 * Every create first takes two of the account's budgets (functions/core/governor): a running slot of
 * the task's model (3 personal / 10 enterprise; 4k one at a time), held as a lease until the task ends,
 * and the task-create rate (180 / 600 per minute). Without either, or when upstream throttles the call
 * anyway, the step answers `queued` with the job's place and when to wake, and the ASL sleeps until then
 * (a Wait, not a Retry: waiting burns no attempts and never fails the video). The video reads `queued`
 * with its position meanwhile. The deadline starts when the task is created; waiting longer than
 * QUEUE_MAX_WAIT_SECONDS in all ends the video `expired` (QueueExpired).
 */
import { callbackUrl } from '../../core/callbacks';
import { UpstreamError } from '../../core/errors';
import {
  acquireBudget,
  queuedFor,
  releaseSlot,
  reportThrottle,
  slotPoolOf,
  type Acquired,
} from '../../core/governor';
import { startPolling } from '../../core/schedule';
import { STEP_ERRORS, StepError } from '../../core/step-errors';
import { videoChange, videoProgressChange } from '../../core/records';
import {
  videoPollPolicy,
  type CreateTaskQueued,
  type JobProgress,
  type TaskQueuePlace,
  type VideoJobState,
} from '../../core/video';
import { getCallbackKey } from '../../shared/credentials';
import { recordTransition } from '../../shared/record-transition';
import { logger } from '../../shared/logger';
import { taskBudgets } from '../../shared/task-budget';
import { runStep, stepRuntime } from '../../shared/video-step';

/** A 2xx we could not read is as ambiguous as a timeout: the task probably exists. */
function ambiguousAsTransient(e: unknown): unknown {
  if (e instanceof UpstreamError && e.code === 'MalformedResponse' && e.status >= 200 && e.status < 300)
    return new StepError('Upstream.Transient', e.code, e.message, { service: e.service, status: e.status });
  return e;
}

type NotGranted = Extract<Acquired, { granted: false }>;

export const handler = (input: VideoJobState): Promise<JobProgress | CreateTaskQueued> =>
  runStep('CreateTask', input.videoId, async () => {
    const { config, video } = stepRuntime();
    const attempt = (input.job?.createAttempts ?? 0) + 1;
    const budgets = taskBudgets(config);
    const pool = slotPoolOf(input.request.model, input.request.resolution);
    const slots = budgets.slots(pool);
    const place: TaskQueuePlace = input.budget ?? {};

    const queued = async (
      next: TaskQueuePlace,
      got: Pick<NotGranted, 'position' | 'estimatedStartAt' | 'waitUntil'>,
      why: string,
    ): Promise<CreateTaskQueued> => {
      const waited = queuedFor(next.slot ?? {}, Date.now());
      if (waited > config.queueMaxWaitSeconds * 1000 * config.timeScale) {
        if (next.slot?.ticket !== undefined)
          await releaseSlot(budgets.store, slots, next.slot.ticket).catch(() => undefined);
        throw new StepError(
          STEP_ERRORS.queueExpired,
          STEP_ERRORS.queueExpired,
          `waited for the upstream task budget longer than ${config.queueMaxWaitSeconds} s; ask again later`,
        );
      }
      logger.info('waiting for the task budget', {
        queuePosition: got.position,
        estimatedStartAt: got.estimatedStartAt,
        reason: why,
      });
      await recordTransition(
        videoChange(input, 'queued', { queuePosition: got.position, estimatedStartAt: got.estimatedStartAt }),
        config,
      );
      return {
        queued: true,
        createAttempts: attempt - 1,
        budget: {
          ...next,
          waitUntil: got.waitUntil,
          queuePosition: got.position,
          estimatedStartAt: got.estimatedStartAt,
        },
      };
    };

    // The slot first (the long wait); a job holding its lease gets it back at once.
    const slot = await acquireBudget(budgets.store, slots, place.slot ?? {});
    if (!slot.granted)
      return queued({ ...place, slot: { ...slot.place, pool } }, slot, `slot:${slot.reason}`);
    const slotPlace = { ...(place.slot ?? {}), ticket: slot.ticket, pool };
    const rate = await acquireBudget(budgets.store, budgets.create, place.rate ?? {});
    if (!rate.granted) return queued({ slot: slotPlace, rate: rate.place }, rate, `rate:${rate.reason}`);

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
      if (e instanceof UpstreamError && e.throttled) {
        // Refused, so nothing was created: slow the rate for everyone and take a new turn at the back of
        // the create schedule (no ticket: it reserves again); the slot stays.
        await reportThrottle(budgets.store, budgets.create).catch(() => undefined);
        const at = new Date(
          Date.now() +
            budgets.create.windowMs / budgets.create.limit +
            Math.random() * budgets.create.holdoffMs,
        ).toISOString();
        logger.warn('CreateTask throttled despite the budget; slowing down', { code: e.code });
        return queued(
          { slot: slotPlace, rate: { queuedAt: new Date().toISOString() } },
          { position: 1, estimatedStartAt: at, waitUntil: at },
          'throttled',
        );
      }
      // A clear refusal created nothing: the slot goes back. An ambiguous failure keeps it for the lookup.
      if (e instanceof UpstreamError && !e.retryable)
        await releaseSlot(budgets.store, slots, slot.ticket).catch(() => undefined);
      throw ambiguousAsTransient(e);
    }
    logger.info('task created', { taskId, attempt, callback: Boolean(config.callbackBaseUrl) });
    const job: JobProgress = {
      taskId,
      taskStatus: 'queued',
      rawStatus: 'queued',
      createAttempts: attempt,
      poll: startPolling(videoPollPolicy(config), new Date(), config.timeScale),
      slot: { pool, ticket: slot.ticket },
    };
    await recordTransition(videoProgressChange(input, job), config);
    return job;
  });
