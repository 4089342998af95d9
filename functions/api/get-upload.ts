/**
 * GET /groups/{groupId}/uploads/{uploadId}: the upload's status from its ingest execution
 * (DescribeExecution; the state it is in from the newest history events while running), or from the
 * time inside the upload ID before any execution exists. An execution of another group is a 404.
 */
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SFNClient,
  type DescribeExecutionCommandOutput,
} from '@aws-sdk/client-sfn';
import { loadConfig, required } from '../core/config';
import { notFound } from '../core/errors';
import { uploadPathSchema } from '../core/api-schemas/uploads';
import { describeUpload, executionArnFor, uploadIdTime, type UploadExecution } from '../core/uploads';
import { apiHandler } from '../shared/api';
import { logger } from '../shared/logger';

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

function inputGroup(input: string | undefined): string | undefined {
  try {
    const parsed = JSON.parse(input ?? '{}') as { groupId?: unknown };
    return typeof parsed.groupId === 'string' ? parsed.groupId : undefined;
  } catch {
    return undefined;
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
    const group = inputGroup(d.input);
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
  const view = describeUpload({
    uploadId,
    groupId,
    execution,
    now,
    uploadUrlTtlSeconds: config.uploadUrlTtlSeconds,
  });
  return { status: 200, body: view };
});
