// Acceptance: on the local stack (dynalite, the real handlers and ASL files, the simulator), 25 videos
// list with a status filter as pages of 10, 10 and 5, newest first, with no duplicates; a status read
// and a list make no call to the Step Functions endpoint (counted at the endpoint, by action).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedCaller } from '../support/signed-call';
import { startLocalStack, type LocalStack } from '../../local/start';

const DEV = { accessKeyId: 'AKIDTABLETEST', secretAccessKey: 'table-test-secret' };
let stack: LocalStack;

beforeAll(async () => {
  stack = await startLocalStack({
    port: 0,
    timeScale: 0.01,
    credentials: DEV,
    upstream: 'sim',
    env: {},
    simulator: { taskQueuedMs: 200, taskRunningMs: 200 },
  });
});
afterAll(async () => {
  await stack.close();
});

const call = signedCaller(() => stack.apiUrl, DEV);

const sfnCalls = () => [...stack.sfn.calls.values()].reduce((a, b) => a + b, 0);

interface Item {
  videoId: string;
  status: string;
  createdAt: string;
}

describe('the state table on the local stack', () => {
  it('lists 25 videos by status as 10, 10, 5, newest first, no duplicates, with no Step Functions call', async () => {
    // Prepare: 25 videos run to the end; one cancelled while queued is left out of the status filter
    const ids: string[] = [];
    for (let i = 0; i < 25; i++) {
      const res = await call('POST', '/videos', { prompt: `a lighthouse, take ${i}` });
      expect(res.status).toBe(202);
      ids.push((res.json as { videoId: string }).videoId);
    }
    const other = (await call('POST', '/videos', { prompt: 'a fox, cancelled' })).json as { videoId: string };
    expect((await call('DELETE', `/videos/${other.videoId}`)).status).toBe(202);
    await stack.sfn.store.drain();
    const before = sfnCalls();

    // Act
    const pages: Item[][] = [];
    let token: string | undefined;
    do {
      const q = new URLSearchParams({
        status: 'succeeded',
        pageSize: '10',
        ...(token ? { nextToken: token } : {}),
      });
      const res = await call('GET', `/videos?${q.toString()}`);
      expect(res.status).toBe(200);
      const body = res.json as { items: Item[]; nextToken?: string };
      pages.push(body.items);
      token = body.nextToken;
    } while (token);
    const one = await call('GET', `/videos/${ids[0] ?? ''}`);
    const cancelled = await call('GET', `/videos/${other.videoId}`);
    const after = sfnCalls();

    // Assess
    expect(pages.map((p) => p.length)).toEqual([10, 10, 5]);
    const listed = pages.flat();
    expect(new Set(listed.map((i) => i.videoId))).toEqual(new Set(ids));
    expect(listed.every((i) => i.status === 'succeeded')).toBe(true);
    const created = listed.map((i) => i.createdAt);
    expect(created).toEqual([...created].sort().reverse());
    expect(one).toMatchObject({ status: 200, json: { status: 'succeeded', videoUrl: expect.any(String) } });
    expect(cancelled).toMatchObject({ status: 200, json: { status: 'cancelled' } });
    expect(after - before).toBe(0);
  }, 120_000);
});
