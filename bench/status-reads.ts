/**
 * Status reads on the local stack: how many `GET /videos/{id}` and `GET /videos?pageSize=10` the
 * stack answers per second, and how many Step Functions control-plane calls each read costs. The
 * second figure is what matters in AWS: DescribeExecution is 10–15/s, GetExecutionHistory 20/s and
 * ListExecutions 2–5/s per account, so every Step Functions call on a read path divides the number of
 * users who can poll at once. Counted at the local Step Functions endpoint, per action.
 * Run alone: `npx tsx bench/status-reads.ts`.
 */
import { pathToFileURL } from 'node:url';
import { createSigner } from '../cli/signing';
import { startLocalStack, type LocalStack } from '../local/start';

const DEV = { accessKeyId: 'AKIDBENCHREADS', secretAccessKey: 'bench-reads-secret' };
const VIDEOS = 30;
const CONCURRENCY = 8;
const SECONDS = 3;

type Sign = ReturnType<typeof createSigner>;

async function call(stack: LocalStack, sign: Sign, method: string, path: string, body?: unknown) {
  const url = new URL(path, stack.apiUrl);
  const text = body === undefined ? undefined : JSON.stringify(body);
  const headers: Record<string, string> = text ? { 'content-type': 'application/json' } : {};
  const signed = await sign({ method, url, headers, ...(text ? { body: text } : {}) });
  const res = await fetch(url, { method, headers: signed, ...(text ? { body: text } : {}) });
  const json = (await res.json().catch(() => undefined)) as unknown;
  if (res.status >= 400) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(json)}`);
  return json;
}

const sfnCalls = (stack: LocalStack) => [...stack.sfn.calls.values()].reduce((a, b) => a + b, 0);

async function measure(stack: LocalStack, next: () => Promise<unknown>) {
  const calls0 = sfnCalls(stack);
  const byAction0 = new Map(stack.sfn.calls);
  let reads = 0;
  const end = performance.now() + SECONDS * 1000;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < end) {
        await next();
        reads++;
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const byAction: Record<string, number> = {};
  for (const [k, v] of stack.sfn.calls) {
    const d = v - (byAction0.get(k) ?? 0);
    if (d > 0) byAction[k] = Number((d / reads).toFixed(2));
  }
  return {
    reads,
    readsPerSecond: Math.round(reads / seconds),
    sfnCallsPerRead: Number(((sfnCalls(stack) - calls0) / reads).toFixed(2)),
    ...(Object.keys(byAction).length > 0 ? { sfnCallsPerReadByAction: byAction } : {}),
  };
}

export async function run(): Promise<Record<string, unknown>> {
  process.env.LOG_LEVEL ??= 'warn'; // one request line per read would drown the figures
  const stack = await startLocalStack({
    port: 0,
    timeScale: 0.01,
    credentials: DEV,
    upstream: 'sim',
    env: {},
  });
  try {
    const sign = createSigner({ credentials: DEV, region: 'us-east-1' });
    const ids: string[] = [];
    for (let i = 0; i < VIDEOS; i++) {
      const v = (await call(stack, sign, 'POST', '/videos', { prompt: `bench video ${i}, slow pan` })) as {
        videoId: string;
      };
      ids.push(v.videoId);
    }
    let i = 0;
    const getOne = () => call(stack, sign, 'GET', `/videos/${ids[i++ % ids.length]}`);
    const list = () => call(stack, sign, 'GET', '/videos?pageSize=10');
    // While the jobs run (what a poller sees), then once every one has ended.
    const whileRunning = { getVideo: await measure(stack, getOne), listVideos: await measure(stack, list) };
    await stack.sfn.store.drain();
    const afterEnd = { getVideo: await measure(stack, getOne), listVideos: await measure(stack, list) };
    return {
      videos: VIDEOS,
      concurrency: CONCURRENCY,
      secondsPerRoute: SECONDS,
      whileRunning,
      afterEnd,
      notes: [
        'Local stack with the simulator, time scale 0.01; reads signed with SigV4 like any client.',
        'Step Functions calls counted at the local endpoint; in AWS each one spends an account-wide quota (DescribeExecution 10–15/s, GetExecutionHistory 20/s, ListExecutions 2–5/s).',
      ],
    };
  } finally {
    await stack.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(await run(), null, 2));
}
