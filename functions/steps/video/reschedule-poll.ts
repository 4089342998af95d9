/**
 * ReschedulePoll: when PollTask's bounded retries run out (a long upstream outage), the task is not
 * given up: the last known status stays, the next check is scheduled as usual, and the deadline still
 * ends the loop. No upstream call here, so it cannot fail the same way.
 */
import { loadConfig } from '../../core/config';
import { nextPoll } from '../../core/schedule';
import { videoPollPolicy, type JobProgress, type VideoJobState } from '../../core/video';
import { logger } from '../../shared/logger';
import { pollingJob } from '../../core/video';
import { stepRunner } from '../../shared/run-step';

// Config and the runner only: shared/video-step.ts would bring the video client, and with it the
// Secrets Manager client, into a bundle that never calls upstream.
const runStep = stepRunner('videoId');

export const handler = (input: VideoJobState): Promise<JobProgress> =>
  runStep('ReschedulePoll', input.videoId, async () => {
    const config = loadConfig();
    const job = pollingJob(input);
    const poll = nextPoll(job.poll, videoPollPolicy(config), new Date(), config.timeScale);
    logger.warn('poll failed after retries; trying again later', {
      taskId: job.taskId,
      error: input.pollError?.Error,
      attempt: poll.attempt,
      pastDeadline: poll.pastDeadline,
    });
    const next: JobProgress = { ...job, poll };
    delete next.failure;
    return next;
  });
