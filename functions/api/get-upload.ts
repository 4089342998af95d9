/**
 * GET /groups/{groupId}/uploads/{uploadId}: the upload's status from its ingest execution
 * (DescribeExecution; the state it is in from the newest history events while running), or from the
 * time inside the upload ID before any execution exists. An execution of another group is a 404.
 * Two facts the execution cannot hold are looked up: whether a replacement posted over the upload was
 * quarantined (one HeadObject), and, for an ingested upload, whether its asset still exists upstream —
 * one GetAsset (100/s upstream, far above what status reads need); throttled or failing, the upload
 * keeps reading `active` rather than failing the request.
 */
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SFNClient,
  type DescribeExecutionCommandOutput,
} from '@aws-sdk/client-sfn';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { loadConfig, required, type Config } from '../core/config';
import { UpstreamError, notFound } from '../core/errors';
import { uploadPathSchema } from '../core/api-schemas/uploads';
import {
  describeUpload,
  executionArnFor,
  replacedKeyFor,
  uploadIdTime,
  type UploadExecution,
} from '../core/uploads';
import { apiHandler } from '../shared/api';
import { assetsClient } from '../shared/clients';
import { logger } from '../shared/logger';
import { s3Client } from '../shared/s3';

const sfn = new SFNClient({});

/** A clock-skewed client may see an ID a little in the future; far beyond that, it was never ours. */
const FUTURE_TOLERANCE_MS = 5 * 60 * 1000;

async function describe(executionArn: string): Promise<DescribeExecutionCommandOutput | undefined> {
  try {
    return await sfn.send(new DescribeExecutionCommand({ executionArn }));
  } catch (e) {
    if (e instanceof Error && e.name === 'ExecutionDoesNotExist') return undefined;
    throw e;
  }
}

/** Name of the state the execution entered last; a failure only makes the status coarser. */
async function currentState(executionArn: string): Promise<string | undefined> {
  try {
    const out = await sfn.send(
      new GetExecutionHistoryCommand({
        executionArn,
        reverseOrder: true,
        maxResults: 20,
        includeExecutionData: false,
      }),
    );
    return out.events?.find((e) => e.stateEnteredEventDetails?.name)?.stateEnteredEventDetails?.name;
  } catch (e) {
    logger.warn('execution history unavailable', { errorName: e instanceof Error ? e.name : 'unknown' });
    return undefined;
  }
}

function inputField(input: string | undefined, field: 'groupId' | 'key' | 'bucket'): string | undefined {
  try {
    const parsed = JSON.parse(input ?? '{}') as Record<string, unknown>;
    const v = parsed[field];
    return typeof v === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

/** When the upload trigger quarantined a replacement of this upload (see upload-created.ts). */
async function replacedAt(config: Config, bucket: string, key: string): Promise<Date | undefined> {
  try {
    const head = await s3Client(config).send(
      new HeadObjectCommand({ Bucket: bucket, Key: replacedKeyFor(key) }),
    );
    return head.LastModified ?? new Date();
  } catch (e) {
    if (!(e instanceof Error && (e.name === 'NotFound' || e.name === 'NoSuchKey')))
      logger.warn('replacement check unavailable', { errorName: e instanceof Error ? e.name : 'unknown' });
    return undefined;
  }
}

async function assetGone(config: Config, assetId: string): Promise<boolean> {
  try {
    await assetsClient(config).getAsset(assetId);
    return false;
  } catch (e) {
    if (e instanceof UpstreamError && e.code.startsWith('NotFound')) return true;
    logger.warn('asset check unavailable', { errorName: e instanceof Error ? e.name : 'unknown' });
    return false;
  }
}

export const handler = apiHandler({ name: 'getUpload', path: uploadPathSchema }, async (req) => {
  const config = loadConfig();
  const stateMachineArn = required(config.ingestStateMachineArn, 'INGEST_STATE_MACHINE_ARN');
  const groupId = req.path.groupId ?? '';
  const uploadId = req.path.uploadId ?? '';
  const now = new Date();
  const created = uploadIdTime(uploadId);
  if (!created || created.getTime() > now.getTime() + FUTURE_TOLERANCE_MS) throw notFound('Upload', uploadId);

  const executionArn = executionArnFor(stateMachineArn, uploadId);
  const d = await describe(executionArn);
  let execution: UploadExecution | undefined;
  if (d) {
    const group = inputField(d.input, 'groupId');
    if (group !== undefined && group !== groupId) throw notFound('Upload', uploadId);
    execution = {
      status: d.status ?? 'RUNNING',
      ...(d.output !== undefined ? { output: d.output } : {}),
      ...(d.error !== undefined ? { error: d.error } : {}),
      ...(d.cause !== undefined ? { cause: d.cause } : {}),
    };
    if (execution.status === 'RUNNING') {
      const state = await currentState(executionArn);
      if (state) execution.currentState = state;
    }
  }
  const args = { uploadId, groupId, execution, now, uploadUrlTtlSeconds: config.uploadUrlTtlSeconds };
  const view = describeUpload(args);
  const key = inputField(d?.input, 'key');
  const bucket = inputField(d?.input, 'bucket');
  const [replaced, gone] = await Promise.all([
    key && bucket ? replacedAt(config, bucket, key) : undefined,
    view.status === 'active' && view.assetId ? assetGone(config, view.assetId) : false,
  ]);
  if (!replaced && !gone) return { status: 200, body: view };
  return {
    status: 200,
    body: describeUpload({ ...args, ...(replaced ? { replacedAt: replaced } : {}), assetGone: gone }),
  };
});
