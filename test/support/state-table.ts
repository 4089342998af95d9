// The state table on dynalite for tests: started in memory, pointed at by the env the handlers read.
import { resetAwsClients } from '../../functions/shared/lazy-client';
import { startLocalDynamo, type LocalDynamo } from '../../local/dynamodb/server';

export interface TestTable extends LocalDynamo {
  /** Puts the previous environment back and stops dynalite. */
  stop(): Promise<void>;
}

export async function startTestTable(table = 'seedance-test-records'): Promise<TestTable> {
  const dynamo = await startLocalDynamo({ table });
  const previous = {
    AWS_ENDPOINT_URL_DYNAMODB: process.env.AWS_ENDPOINT_URL_DYNAMODB,
    TABLE_NAME: process.env.TABLE_NAME,
  };
  process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamo.url;
  process.env.TABLE_NAME = table;
  process.env.AWS_REGION ??= 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID ??= 'local';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
  resetAwsClients();
  return {
    ...dynamo,
    stop: async () => {
      for (const [k, v] of Object.entries(previous)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      resetAwsClients();
      await dynamo.close();
    },
  };
}
