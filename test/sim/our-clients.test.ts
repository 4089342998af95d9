import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VideoClient } from '../../functions/core/ark/video-client';
import { UpstreamError } from '../../functions/core/errors';
import { AssetsClient } from '../../functions/core/volcengine/assets-client';
import { SIM_DEFAULT_CREDENTIALS, startSimulator, type Simulator } from '../../local/upstream-sim/index';
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
