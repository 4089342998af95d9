/**
 * The scheduled cleanup (EventBridge, daily by default): deletes stale asset groups this stack created
 * and logs one summary line. Invoke it by hand with `{"dryRun": true}` to see what it would delete.
 * Running executions of both state machines keep their groups: a video references assets, an upload
 * names its group.
 */
import type { SFNClient } from '@aws-sdk/client-sfn';
import { DescribeExecutionCommand, ListExecutionsCommand, type ExecutionListItem } from '@aws-sdk/client-sfn';
import { loadConfig, type Config } from '../core/config';
import { runCleanup, type CleanupPorts } from '../core/cleanup/run';
import { logger } from '../shared/logger';
import { sfnClient } from '../shared/sfn';
import { assetsClient } from '../shared/clients';
import type { AssetsClient } from '../core/volcengine';

export interface CleanupEvent {
  dryRun?: boolean;
}

async function* runningExecutions(
  client: SFNClient,
  stateMachineArn: string,
): AsyncGenerator<ExecutionListItem> {
  let nextToken: string | undefined;
  do {
    const page = await client.send(
      new ListExecutionsCommand({ stateMachineArn, statusFilter: 'RUNNING', maxResults: 100, nextToken }),
    );
    yield* page.executions ?? [];
    nextToken = page.nextToken;
  } while (nextToken);
}

export function cleanupPorts(config: Config, assets: AssetsClient, client: SFNClient): CleanupPorts {
  const machines = [config.videoStateMachineArn, config.ingestStateMachineArn].filter(
    (a): a is string => a !== undefined,
  );
  return {
    listGroups: (q) => assets.listAssetGroupsByCursor({ ...q, sortBy: 'CreateTime', sortOrder: 'Asc' }),
    listAssets: (q) => assets.listAssetsByCursor({ ...q, sortBy: 'CreateTime', sortOrder: 'Asc' }),
    deleteGroup: (id) => assets.deleteAssetGroup(id),
    async *runningExecutionInputs() {
      for (const arn of machines)
        for await (const e of runningExecutions(client, arn)) {
          if (!e.executionArn) continue;
          const d = await client.send(new DescribeExecutionCommand({ executionArn: e.executionArn }));
          // An execution that ended meanwhile references nothing any more.
          if (d.status === 'RUNNING') yield d.input;
        }
    },
  };
}

export async function handler(event: CleanupEvent | undefined): Promise<Record<string, unknown>> {
  const config = loadConfig();
  const dryRun = typeof event?.dryRun === 'boolean' ? event.dryRun : config.cleanupDryRun;
  const result = await runCleanup(cleanupPorts(config, assetsClient(config), sfnClient()), {
    managedTag: config.managedGroupTag,
    maxAgeDays: config.cleanupMaxAgeDays,
    dryRun,
  });
  const { decisions: _decisions, ...summary } = result;
  logger.info('cleanup summary', { ...summary, maxAgeDays: config.cleanupMaxAgeDays });
  return summary;
}
