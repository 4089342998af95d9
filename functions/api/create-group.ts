/**
 * POST /groups — creates an asset group marked as managed by this stack. With an Idempotency-Key
 * (scoped to the caller's role, as on POST /videos) a replay of the same body answers the group the
 * first request made, another body is a 409; see functions/core/groups/idempotency.ts for where the
 * key→group mapping lives.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { groupRoutes } from '../../lib/route-rows/groups';
import type { CreateGroupBody } from '../core/api-schemas/groups';
import { loadConfig, required, type Config } from '../core/config';
import {
  decideReplay,
  groupFingerprint,
  groupIdempotencyObjectKey,
  groupInProgress,
  groupView,
  markDescription,
} from '../core/groups';
import { idempotencyScope } from '../core/video';
import { apiHandler, type ApiResponse } from '../shared/api';
import { assetsClient } from '../shared/clients';
import { idempotencyStore } from '../shared/idempotency-store';
import { logger } from '../shared/logger';

const config = loadConfig();
const assets = assetsClient(config);

function callerScope(event: APIGatewayProxyEvent): string {
  const id = event.requestContext?.identity;
  return idempotencyScope(id?.userArn ?? id?.caller ?? '');
}

async function create(body: CreateGroupBody, c: Config): Promise<ApiResponse> {
  const description = markDescription(body.description, c.managedGroupTag);
  const { id } = await assets.createAssetGroup({ name: body.name, description });
  // Built from what we sent rather than read back: no second call, no read-after-write question.
  const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const group = groupView(
    {
      id,
      name: body.name,
      description,
      groupType: 'AIGC',
      projectName: c.projectName,
      createTime: now,
      updateTime: now,
    },
    c.managedGroupTag,
  );
  return { body: group, headers: { Location: `/groups/${id}` } };
}

const replayed = (group: Record<string, unknown>): ApiResponse => ({
  body: group,
  headers: { Location: `/groups/${String(group.groupId)}` },
});

export const handler = apiHandler(groupRoutes.createGroup, async (req) => {
  const key = req.headers['idempotency-key'];
  if (key === undefined) return create(req.body, config);

  const objectKey = groupIdempotencyObjectKey(key, callerScope(req.event));
  const store = idempotencyStore(config, required(config.bucketName, 'BUCKET_NAME'));
  const fp = groupFingerprint(req.body);
  const claim = { fingerprint: fp, claimedAt: new Date().toISOString() };
  if (!(await store.claim(objectKey, claim))) {
    const existing = await store.read(objectKey);
    const decision = existing ? decideReplay(existing, fp, new Date()) : { kind: 'take-over' as const };
    if (decision.kind === 'replay') {
      logger.info('idempotent replay', { groupId: decision.group.groupId });
      return replayed(decision.group);
    }
    if (decision.kind === 'in-progress') throw groupInProgress();
    logger.warn('taking over a stale idempotency claim');
    await store.write(objectKey, claim);
  }
  let answer: ApiResponse;
  try {
    answer = await create(req.body, config);
  } catch (e) {
    // Nothing was made (or nothing we know of): the key is free for the caller's retry.
    await store.release(objectKey).catch(() => undefined);
    throw e;
  }
  await store.write(objectKey, { ...claim, group: answer.body as Record<string, unknown> });
  return answer;
});
