/**
 * `npm run demo`: the whole path once, through the CLI's own functions. Uses the local stack at the API
 * URL when it answers, else starts one in-process with a small time scale (LOCAL_TIME_SCALE, default
 * 0.05: the simulator's 5–13 s ingest and ~80 s generation become well under 10 s, and the state
 * machines' waits shrink with them). Creates a group, draws an avatar, uploads it, waits for `active`,
 * generates a video that references it as "Image 1", saves the MP4 under ./out/ and prints the
 * asset:// ID and the file path.
 */
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ApiCallError, type ApiClient } from '../cli/api-client';
import { createApiClient, resolveConnection } from '../cli/connection';
import { formatBytes, formatElapsed, formatError, formatReason } from '../cli/format';
import { LiveStatus, type OutStream } from '../cli/progress';
import { readLocalFile, sendUpload, waitForUpload } from '../cli/uploads';
import { waitForVideo } from '../cli/videos';
import { displayError } from '../cli/main';
import { writeAvatarPng } from './avatar';

export interface DemoOptions {
  client: ApiClient;
  outDir: string;
  /** Poll intervals: short when this process set the time scale, the CLI's defaults otherwise. */
  uploadPollMs: number;
  videoPollMs: number;
  log: OutStream;
}

export interface DemoResult {
  groupId: string;
  uploadId: string;
  assetId: string;
  assetUri: string;
  videoId: string;
  file: string;
  bytes: number;
}

export const DEMO_PROMPT =
  'Image 1 is the character: she looks into the camera, smiles and waves hello, soft studio light, gentle camera push-in.';

export async function runDemo(o: DemoOptions): Promise<DemoResult> {
  const say = (line: string) => o.log.write(`${line}\n`);
  const group = await o.client.createGroup({
    name: `demo-${new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14)}`,
    description: 'seedance-stack demo character',
  });
  say(`Group      ${group.groupId}`);

  const avatarPath = await writeAvatarPng(join(o.outDir, 'avatar.png'));
  const file = await readLocalFile(avatarPath);
  say(
    `Avatar     ${relative(process.cwd(), avatarPath)} (${formatBytes(file.bytes.byteLength)}, 768×1024 PNG)`,
  );

  const sent = await sendUpload(o.client, group.groupId, file);
  const ingest = new LiveStatus(o.log, `Upload     ${sent.uploadId}`);
  let upload;
  try {
    upload = await waitForUpload(o.client, group.groupId, sent.uploadId, {
      intervalMs: o.uploadPollMs,
      onUpdate: (s) => ingest.update(s.status),
    });
  } finally {
    ingest.stop();
  }
  if (upload.status !== 'active' || !upload.assetId)
    throw new ApiCallError(
      0,
      'UploadNotActive',
      `The avatar ended ${upload.status}: ${formatReason(upload.error)}`,
    );
  const assetUri = upload.assetUri ?? `asset://${upload.assetId}`;
  say(`Asset      ${assetUri}`);

  const started = await o.client.createVideo(
    { prompt: DEMO_PROMPT, references: [{ assetId: upload.assetId }], ratio: '3:4', duration: 5 },
    `demo-${sent.uploadId}`,
  );
  const gen = new LiveStatus(o.log, `Video      ${started.videoId}`);
  let video;
  try {
    gen.update(started.status);
    video = await waitForVideo(o.client, started.videoId, {
      intervalMs: o.videoPollMs,
      onUpdate: (v) => gen.update(v.status),
    });
  } finally {
    gen.stop();
  }
  if (video.status !== 'succeeded' || !video.videoUrl)
    throw new ApiCallError(
      0,
      'VideoNotSucceeded',
      `The video ended ${video.status}: ${formatReason(video.error)}`,
    );

  const dest = join(o.outDir, `${video.videoId}.mp4`);
  const bytes = await o.client.download(video.videoUrl, dest);
  return {
    groupId: group.groupId,
    uploadId: sent.uploadId,
    assetId: upload.assetId,
    assetUri,
    videoId: video.videoId,
    file: dest,
    bytes,
  };
}

/** True when something answers HTTP at the URL (any status: a 403 still means a stack is there). */
async function answers(client: ApiClient): Promise<boolean> {
  try {
    await client.listGroups({ pageSize: 1 });
    return true;
  } catch (e) {
    return !(e instanceof ApiCallError && e.status === 0);
  }
}

async function main(): Promise<number> {
  const env = process.env;
  const log = process.stdout;
  const began = Date.now();
  const port = Number(env.PORT || 3000);
  let conn = resolveConnection({ api: env.SEEDANCE_API_URL || `http://127.0.0.1:${port}` }, env);
  const probe = createApiClient(conn, { timeoutMs: 3000 });
  let close: (() => Promise<void>) | undefined;
  let fast = false;

  if (await answers(probe)) {
    log.write(`Using the stack already running at ${conn.apiUrl}\n`);
  } else {
    const timeScale = Number(env.LOCAL_TIME_SCALE || 0.05);
    // The handlers run in this process; their JSON request logs would bury the demo's own lines.
    process.env.LOG_LEVEL ??= 'warn';
    const { startLocalStack } = await import('./start');
    const stack = await startLocalStack({ port, timeScale });
    close = stack.close;
    fast = true;
    log.write(`Started a local stack at ${stack.apiUrl} (time scale ${timeScale})\n`);
    conn = { ...resolveConnection({ api: stack.apiUrl, local: true }, env), credentials: stack.credentials };
  }

  try {
    const r = await runDemo({
      client: createApiClient(conn),
      outDir: resolve('out'),
      uploadPollMs: fast ? 200 : 1000,
      videoPollMs: fast ? 250 : 3000,
      log,
    });
    log.write(
      [
        '',
        `Asset ID   ${r.assetUri}`,
        `Video      ${relative(process.cwd(), r.file)} (${formatBytes(r.bytes)})`,
        `Done in ${formatElapsed(Date.now() - began)}`,
        '',
      ].join('\n'),
    );
    return 0;
  } catch (e) {
    process.stderr.write(`${formatError(displayError(e))}\n`);
    return 1;
  } finally {
    await close?.();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = await main();
}
