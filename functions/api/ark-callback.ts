/**
 * POST /callbacks/ark/{videoId}?sig=…: the one route without IAM (Ark cannot sign). The signature in
 * the URL, the re-fetched task and the stored task token decide everything
 * (functions/core/callbacks/wake.ts); the body is only a hint. The answer is always 200 `{}`: a
 * forger learns nothing from it, and a failure on our side is covered by the fallback poll (a 5xx
 * would only make upstream retry into the same failure).
 */
import { callbackRoutes } from '../../lib/route-rows/callbacks';
import { answerTaskCallback, type CallbackOutcome } from '../core/callbacks';
import { loadConfig, required } from '../core/config';
import { videoPollPolicy } from '../core/video';
import { apiHandler } from '../shared/api';
import { videoClient } from '../shared/clients';
import { getCallbackKey } from '../shared/credentials';
import { callbackStoreFor, ttlSecondsOf } from '../shared/dynamodb';
import { logger } from '../shared/logger';
import { sendTaskSuccess } from '../shared/sfn';
import { releaseSlot } from '../core/governor';
import { getTaskWithin, hasNoBudget, taskBudgets } from '../shared/task-budget';

/** Upstream bodies are a few KB; anything far larger is not worth parsing. */
const MAX_BODY_CHARS = 64_000;

function parseBody(raw: string | null, base64: boolean): unknown {
  if (!raw || raw.length > MAX_BODY_CHARS) return undefined;
  try {
    return JSON.parse(base64 ? Buffer.from(raw, 'base64').toString('utf8') : raw) as unknown;
  } catch {
    return undefined;
  }
}

export const handler = apiHandler(callbackRoutes.arkCallback, async (req) => {
  const videoId = req.path.videoId;
  let outcome: CallbackOutcome | 'error';
  try {
    const config = loadConfig();
    const budgets = taskBudgets(config);
    outcome = await answerTaskCallback(
      {
        videoId,
        sig: req.query.sig,
        body: parseBody(req.event.body, req.event.isBase64Encoded),
      },
      {
        secret: await getCallbackKey(),
        store: callbackStoreFor(required(config.tableName, 'TABLE_NAME')),
        // The re-fetch spends the account's Get-task budget like a poll; without any for a moment, the
        // fallback poll will look instead.
        getTask: async (taskId) => {
          const read = await getTaskWithin(budgets, videoClient(config), taskId, 2 * budgets.get.windowMs);
          if (hasNoBudget(read)) throw new Error('no Get-task budget for the re-fetch');
          return read;
        },
        release: async (job) => {
          if (job.slot) await releaseSlot(budgets.store, budgets.slots(job.slot.pool), job.slot.ticket);
        },
        wake: sendTaskSuccess,
        policy: videoPollPolicy(config),
        timeScale: config.timeScale,
        ttlSeconds: ttlSecondsOf(config),
      },
    );
  } catch (e) {
    outcome = 'error';
    logger.error('task callback not handled; the fallback poll will see the task', {
      errorName: e instanceof Error ? e.name : 'unknown',
    });
  }
  // The video ID of a forged call is the forger's text: logged only when the signature held.
  const level = outcome === 'forged' ? 'warn' : 'info';
  logger[level]('task callback', { outcome, ...(outcome === 'forged' ? {} : { videoId }) });
  return { body: {} };
});
