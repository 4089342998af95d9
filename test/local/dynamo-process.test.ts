// The local stack's table runs dynalite in a child process (off the stack's event loop): it serves the
// state table's layout, and closing it ends the child, so no table outlives its stack.
import { DescribeTableCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { startLocalDynamo } from '../../local/dynamodb/server';

describe('local DynamoDB in its own process', () => {
  it('serves the state table and stops with close()', async () => {
    // Prepare
    const dynamo = await startLocalDynamo({ table: 'child-table', mode: 'process' });
    // Act
    const described = await dynamo.client.send(new DescribeTableCommand({ TableName: 'child-table' }));
    await dynamo.client.send(
      new PutItemCommand({ TableName: 'child-table', Item: { pk: { S: 'a' }, n: { N: '1' } } }),
    );
    const got = await dynamo.client.send(
      new GetItemCommand({ TableName: 'child-table', Key: { pk: { S: 'a' } }, ConsistentRead: true }),
    );
    await dynamo.close();
    const after = await fetch(dynamo.url, { method: 'POST' }).then(
      () => 'answered',
      () => 'refused',
    );
    // Assess
    expect(described.Table?.GlobalSecondaryIndexes?.length).toBeGreaterThan(0);
    expect(got.Item?.n?.N).toBe('1');
    expect(after).toBe('refused');
  });
});
