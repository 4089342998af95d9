/**
 * GET /videos: one page of ListExecutions, newest first, with each item's API status. Statuses that map
 * to one execution status are filtered by Step Functions; the others (and queued/running/saving, which
 * need the execution history) are filtered here, so a page may hold fewer items than pageSize while
 * nextToken still leads on. nextToken is Step Functions' own, passed through.
 */
import { ListExecutionsCommand, type ExecutionListItem, type ExecutionStatus } from '@aws-sdk/client-sfn';
import { listVideosQuery, type ListVideosQuery } from '../core/api-schemas/videos';
import { loadConfig, required } from '../core/config';
import { badRequest } from '../core/errors';
import { executionStatusesFor, videoView, type VideoView } from '../core/video';
import { apiHandler } from '../shared/api';
import {
  awsApiError,
  describeExecution,
  executionFacts,
  mapLimit,
  runningHistory,
  sfnClient,
} from '../shared/video-aws';

/** Extra Step Functions reads per page run at most this many at a time. */
const DETAIL_CONCURRENCY = 5;

type ListItem = Pick<VideoView, 'videoId' | 'status' | 'createdAt' | 'finishedAt' | 'taskId' | 'error'>;

async function item(e: ExecutionListItem): Promise<ListItem> {
  const videoId = e.name ?? '';
  const arn = e.executionArn ?? '';
  // Only what the list lacks is fetched: the history of a running one, the error of a failed one.
  const history = e.status === 'RUNNING' ? await runningHistory(arn, 15) : undefined;
  const failed = e.status === 'FAILED' || e.status === 'ABORTED' ? await describeExecution(arn) : undefined;
  const view = videoView(
    executionFacts(
      videoId,
      { ...e, ...(failed ? { error: failed.error, cause: failed.cause } : {}) },
      history,
    ),
  );
  const out: ListItem = { videoId, status: view.status, createdAt: view.createdAt };
  if (view.finishedAt) out.finishedAt = view.finishedAt;
  if (view.taskId) out.taskId = view.taskId;
  if (view.error) out.error = view.error;
  return out;
}

export const handler = apiHandler<undefined, ListVideosQuery>(
  { name: 'listVideos', query: listVideosQuery },
  async (req) => {
    const config = loadConfig();
    const stateMachineArn = required(config.videoStateMachineArn, 'VIDEO_STATE_MACHINE_ARN');
    const { status, pageSize, nextToken } = req.query;
    const statuses = status ? executionStatusesFor(status) : [];
    let page;
    try {
      page = await sfnClient().send(
        new ListExecutionsCommand({
          stateMachineArn,
          maxResults: pageSize,
          ...(statuses.length === 1 ? { statusFilter: statuses[0] as ExecutionStatus } : {}),
          ...(nextToken ? { nextToken } : {}),
        }),
      );
    } catch (e) {
      if (e instanceof Error && e.name === 'InvalidToken')
        throw badRequest('InvalidNextToken', 'nextToken is not valid');
      throw awsApiError(e);
    }
    const executions = (page.executions ?? []).filter(
      (e) => statuses.length === 0 || statuses.includes(e.status as never),
    );
    const items = (await mapLimit(executions, DETAIL_CONCURRENCY, item)).filter(
      (i) => status === undefined || i.status === status,
    );
    return { status: 200, body: { items, ...(page.nextToken ? { nextToken: page.nextToken } : {}) } };
  },
);
