import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VideoClient } from '../../functions/core/ark/video-client';
import { UpstreamError } from '../../functions/core/errors';
import { AssetsClient } from '../../functions/core/volcengine/assets-client';
import { SIM_DEFAULT_CREDENTIALS, startSimulator, type Simulator } from '../../local/upstream-sim/index';
import { THROTTLE_VARIANTS } from '../support/throttle-variants';
import { until } from './helpers/clients';
import { startFileServer, type FileServer } from './helpers/file-server';
import { png } from './helpers/images';

let sim: Simulator;
let files: FileServer;

beforeAll(async () => {
  sim = await startSimulator({ port: 0, timeScale: 0.001 });
  files = await startFileServer({ '/face.png': { body: png(720, 960) } });
});
afterAll(async () => {
  await sim.close();
  await files.close();
});

const assetsClient = (over: Partial<ConstructorParameters<typeof AssetsClient>[0]> = {}) =>
  new AssetsClient({
    endpoint: sim.url,
    region: 'cn-beijing',
    projectName: 'clients',
    credentials: {
      accessKeyId: SIM_DEFAULT_CREDENTIALS.accessKeyId,
      secretAccessKey: SIM_DEFAULT_CREDENTIALS.secretAccessKey,
    },
    ...over,
  });

describe('our own clients against the simulator', () => {
  it('AssetsClient (our signer) ingests an image, and VideoClient generates a video that references it', async () => {
    // Prepare
    const assets = assetsClient();
    const videos = new VideoClient({
      baseUrl: `${sim.url}/seedance`,
      apiToken: SIM_DEFAULT_CREDENTIALS.apiToken,
    });
    sim.control.update({ tokenProject: 'clients' });

    // Act
    const { id: groupId } = await assets.createAssetGroup({
      name: 'client-flow',
      description: 'from AssetsClient',
    });
    const { id: assetId } = await assets.createAsset({
      groupId,
      url: files.url('/face.png'),
      assetType: 'Image',
    });
    const asset = await until(async () => {
      const a = await assets.getAsset(assetId);
      return a.status === 'Processing' ? undefined : a;
    });
    const page = await assets.listAssets({ filter: { groupIds: [groupId] }, pageSize: 100 });
    const { id: taskId } = await videos.createTask({
      model: 'doubao-seedance-2-0-260128',
      content: [
        { type: 'text', text: 'Image 1 waves' },
        { type: 'image_url', image_url: { url: `asset://${assetId}` }, role: 'reference_image' },
      ],
      return_last_frame: true,
    });
    const task = await until(async () => {
      const t = await videos.getTask(taskId);
      return t.status === 'succeeded' ? t : undefined;
    });
    await assets.deleteAssetGroup(groupId);

    // Assess
    expect(asset).toMatchObject({ id: assetId, status: 'Active', groupId, projectName: 'clients' });
    expect(page.items.map((a) => a.id)).toEqual([assetId]);
    expect(task.videoUrl).toContain('/_media/tasks/');
    expect(task.lastFrameUrl).toContain('last-frame.png');
    expect((await fetch(task.videoUrl ?? '')).status).toBe(200);
    await expect(assets.getAsset(assetId)).rejects.toMatchObject({ code: 'NotFound.asset_id', status: 404 });
  });

  it('AssetsClient with STS credentials is accepted; with a wrong SK it surfaces SignatureDoesNotMatch', async () => {
    // Prepare
    const sts = assetsClient({
      credentials: {
        accessKeyId: SIM_DEFAULT_CREDENTIALS.accessKeyId,
        secretAccessKey: SIM_DEFAULT_CREDENTIALS.secretAccessKey,
        sessionToken: 'STS-session',
      },
    });
    const wrong = assetsClient({
      credentials: { accessKeyId: SIM_DEFAULT_CREDENTIALS.accessKeyId, secretAccessKey: 'wrong' },
    });

    // Act
    const listed = await sts.listAssetGroups({ pageSize: 1 });
    const error = await wrong.listAssetGroups({}).catch((e: unknown) => e);

    // Assess
    expect(listed.pageSize).toBe(1);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ code: 'SignatureDoesNotMatch', status: 401, service: 'volcengine' });
  });

  it('AssetsClient pages 250 groups with the cursor and asks for LivenessFace groups by type', async () => {
    // Prepare
    sim.control.update({ rateLimits: { CreateAssetGroup: 0, ListAssetGroups: 0 } });
    const assets = assetsClient({ projectName: 'paging' });
    const made: string[] = [];
    for (let i = 0; i < 250; i++) made.push((await assets.createAssetGroup({ name: `g-${i}` })).id);
    sim.control.resetCounters();

    // Act
    const seen: string[] = [];
    for await (const g of assets.iterateAssetGroups({ sortBy: 'CreateTime', sortOrder: 'Asc' }))
      seen.push(g.id);
    const listCalls = sim.control.counters().ListAssetGroups?.calls;
    const liveness: string[] = [];
    for await (const g of assets.iterateAssetGroups({ filter: { groupType: 'LivenessFace' } }))
      liveness.push(g.id);

    // Assess
    // Each group exactly once (groups made in the same millisecond tie on CreateTime, so order by ID).
    expect([...seen].sort()).toEqual([...made].sort());
    expect(listCalls).toBe(3);
    expect(liveness).toEqual([]);
  });

  it('VideoClient maps the simulator refusal of a running task and a wrong token', async () => {
    // Prepare
    sim.control.update({ taskQueuedMs: 0, taskRunningMs: 1e9 });
    const videos = new VideoClient({
      baseUrl: `${sim.url}/seedance`,
      apiToken: SIM_DEFAULT_CREDENTIALS.apiToken,
    });
    const { id } = await videos.createTask({
      model: 'doubao-seedance-2-0-260128',
      content: [{ type: 'text', text: 'x' }],
    });
    sim.control.update({ taskQueuedMs: 20_000, taskRunningMs: 60_000 });

    // Act
    const refused = await videos.cancelTask(id).catch((e: unknown) => e);
    const badToken = await new VideoClient({ baseUrl: `${sim.url}/seedance`, apiToken: 'sk-wrong' })
      .getTask(id)
      .catch((e: unknown) => e);

    // Assess
    expect(refused).toMatchObject({ code: 'TaskNotCancellable', status: 409, service: 'ark' });
    expect(badToken).toMatchObject({ code: 'AuthenticationError', status: 401 });
  });
});

describe('our clients against a basic-tier simulator that throttles CreateAsset', () => {
  const mixes = {
    http200: { http200: 1, http429: 0, quota429: 0 },
    http429: { http200: 0, http429: 1, quota429: 0 },
    quota429: { http200: 0, http429: 0, quota429: 1 },
  } as const;
  const expected = {
    http200: { code: 'AccountFlowLimitExceeded', status: 200, codeN: 100027 },
    http429: { code: 'AccountFlowLimitExceeded', status: 429, codeN: 100027 },
    quota429: { code: 'QuotaWriteQPMExceeded', status: 429 },
  } as const;

  it.each(Object.keys(mixes) as (keyof typeof mixes)[])(
    'the 4th CreateAsset in a minute, answered %s, is a typed throttled and retryable error with its hint',
    async (answer) => {
      // Prepare: real minutes, so the window cannot slide open between the calls.
      const basic = await startSimulator({
        port: 0,
        timeScale: 1,
        tier: 'basic',
        throttleMix: mixes[answer],
      });
      try {
        const assets = new AssetsClient({
          endpoint: basic.url,
          region: 'cn-beijing',
          projectName: 'default',
          credentials: SIM_DEFAULT_CREDENTIALS,
        });
        const { id: groupId } = await assets.createAssetGroup({ name: 'tier' });
        const create = () => assets.createAsset({ groupId, url: files.url('/face.png'), assetType: 'Image' });

        // Act
        const accepted = [await create(), await create(), await create()];
        const refused = await create().catch((e: unknown) => e);

        // Assess
        expect(accepted.every((a) => a.id.length > 0)).toBe(true);
        expect(refused).toBeInstanceOf(UpstreamError);
        const e = refused as UpstreamError;
        expect(e).toMatchObject({
          ...expected[answer],
          throttled: true,
          retryable: true,
          operation: 'CreateAsset',
        });
        const hint = THROTTLE_VARIANTS.find(([code]) => code === e.code)?.[1];
        expect(e.hint).toMatch(hint ?? /no hint pattern/);
        expect(basic.control.rateStats().CreateAsset).toMatchObject({ accepted: 3, throttled: 1 });
      } finally {
        await basic.close();
      }
    },
  );
});
