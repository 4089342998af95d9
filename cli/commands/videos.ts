import { randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { ApiClient } from '../api-client';
import type { VideoJob } from '../api-types';
import type { CliContext } from '../context';
import { integer, positiveInt, seconds } from '../context';
import { CommandFailed } from '../errors';
import { formatBytes, formatReason, renderKeyValues, renderTable, shortDate } from '../format';
import { LiveStatus } from '../progress';
import { buildVideoBody, waitForVideo, type VideoOptions } from '../videos';

interface CreateOptions extends VideoOptions {
  wait?: boolean;
  out?: string;
  timeout: number;
  pollInterval: number;
  idempotencyKey?: string;
}

const videoView = (v: VideoJob & { file?: string; bytes?: number }) =>
  renderKeyValues({
    videoId: v.videoId,
    status: v.status,
    taskId: v.taskId,
    createdAt: v.createdAt,
    finishedAt: v.finishedAt,
    error: v.error ? formatReason(v.error) : undefined,
    tokens: v.usage?.completionTokens,
    cost: v.cost ? `${v.cost.amount.toFixed(4)} ${v.cost.currency} (estimate)` : undefined,
    file: v.file,
    size: v.bytes === undefined ? undefined : formatBytes(v.bytes),
    // Once saved, the file is what matters; the presigned links stay in --json and `video get`.
    videoUrl: v.file === undefined ? v.videoUrl : undefined,
    lastFrameUrl: v.file === undefined ? v.lastFrameUrl : undefined,
  });

/** `--out dir/` or an existing directory gets `<videoId>.mp4` inside it. */
async function outputPath(out: string, videoId: string): Promise<string> {
  if (/[/\\]$/.test(out)) return join(out, `${videoId}.mp4`);
  const s = await stat(out).catch(() => undefined);
  return s?.isDirectory() ? join(out, `${videoId}.mp4`) : out;
}

export async function saveVideo(
  client: ApiClient,
  job: VideoJob,
  out: string,
): Promise<{ file: string; bytes: number }> {
  if (!job.videoUrl)
    throw new CommandFailed('NoVideoUrl', `Video ${job.videoId} has no download link (status ${job.status})`);
  const file = await outputPath(out, job.videoId);
  const bytes = await client.download(job.videoUrl, file);
  return { file, bytes };
}

function failIfNotSucceeded(job: VideoJob): void {
  if (job.status === 'succeeded') return;
  const code =
    job.error?.code ?? `Video${job.status.replace(/(^|_)(\w)/g, (_m, _s, c: string) => c.toUpperCase())}`;
  const message = job.error
    ? `Video ${job.videoId} ended ${job.status}: ${job.error.message}`
    : `Video ${job.videoId} ended ${job.status}`;
  const d = job.error?.details;
  const hint =
    typeof d === 'object' && d !== null && typeof (d as { hint?: unknown }).hint === 'string'
      ? (d as { hint: string }).hint
      : undefined;
  throw new CommandFailed(code, message, hint);
}

export function registerVideos(program: Command, ctx: CliContext): void {
  const video = program.command('video').description('video generation jobs');

  video
    .command('create')
    .description('start a video; --wait follows it, --out saves the MP4')
    .requiredOption('-p, --prompt <text>', 'the prompt; name references as "Image 1", "Image 2", …')
    .option('-r, --ref <ids...>', 'reference images: asset IDs (asset://… or asset-…) or http(s) URLs')
    .option('--first-frame <id>', 'first frame image (asset ID or URL)')
    .option('--last-frame <id>', 'last frame image (asset ID or URL)')
    .option('--ratio <ratio>', '16:9, 4:3, 1:1, 3:4, 9:16, 21:9 or adaptive')
    .option('--resolution <res>', '480p, 720p or 1080p')
    .option('--duration <seconds>', '4–15, or -1 for automatic', integer)
    .option('--seed <n>', 'seed', integer)
    .option('--no-audio', 'do not generate audio')
    .option('--watermark', 'add the watermark')
    .option('--return-last-frame', 'also keep the last frame')
    .option('--model <model>', 'model ID (default: the stack’s)')
    .option('-w, --wait', 'wait until the video is finished')
    .option('-o, --out <file>', 'save the MP4 here (implies --wait)')
    .option('--timeout <seconds>', 'how long --wait waits', seconds, 3_600_000)
    .option('--poll-interval <seconds>', 'seconds between status checks', seconds, 3000)
    .option('--idempotency-key <key>', 'reuse to make a retried create start nothing twice (default: random)')
    .action(async (o: CreateOptions, cmd: Command) => {
      const client = ctx.client(cmd);
      const started = await client.createVideo(buildVideoBody(o), o.idempotencyKey ?? randomUUID());
      ctx.note(cmd, `Started ${started.videoId} (${started.status})`);
      if (!o.wait && o.out === undefined) {
        ctx.result(cmd, started, () => videoView(started));
        return;
      }
      const live = new LiveStatus(ctx.progress(cmd), started.videoId);
      live.update(started.status);
      let job: VideoJob;
      try {
        job = await waitForVideo(client, started.videoId, {
          intervalMs: o.pollInterval,
          timeoutMs: o.timeout,
          onUpdate: (v) => live.update(v.status),
          ...(ctx.io.sleep ? { sleep: ctx.io.sleep } : {}),
        });
      } finally {
        live.stop();
      }
      let saved: { file: string; bytes: number } | undefined;
      if (job.status === 'succeeded' && o.out !== undefined) {
        saved = await saveVideo(client, job, o.out);
        ctx.note(cmd, `Saved ${saved.file} (${formatBytes(saved.bytes)})`);
      }
      const final = { ...job, ...saved };
      ctx.result(cmd, final, () => videoView(final));
      failIfNotSucceeded(job);
    });

  video
    .command('get <videoId>')
    .description('show one video; --out saves the MP4 when it succeeded')
    .option('-o, --out <file>', 'save the MP4 here')
    .action(async (videoId: string, o: { out?: string }, cmd: Command) => {
      const client = ctx.client(cmd);
      const job = await client.getVideo(videoId);
      let saved: { file: string; bytes: number } | undefined;
      if (o.out !== undefined) {
        failIfNotSucceeded(job);
        saved = await saveVideo(client, job, o.out);
      }
      const final = { ...job, ...saved };
      ctx.result(cmd, final, () => videoView(final));
    });

  video
    .command('list')
    .description('list video jobs')
    .option('--status <status>', 'only jobs in this status')
    .option('--page-size <n>', 'jobs per page (≤ 100)', positiveInt)
    .option('--next-token <token>', 'the next page, from a previous list')
    .action(async (o: { status?: string; pageSize?: number; nextToken?: string }, cmd: Command) => {
      const list = await ctx.client(cmd).listVideos({
        ...(o.status === undefined ? {} : { status: o.status }),
        ...(o.pageSize === undefined ? {} : { pageSize: o.pageSize }),
        ...(o.nextToken === undefined ? {} : { nextToken: o.nextToken }),
      });
      ctx.result(cmd, list, () =>
        [
          renderTable(
            [
              { header: 'VIDEO', value: (v: VideoJob) => v.videoId },
              { header: 'STATUS', value: (v) => v.status },
              { header: 'CREATED', value: (v) => shortDate(v.createdAt) },
              { header: 'FINISHED', value: (v) => shortDate(v.finishedAt) },
              {
                header: 'COST',
                value: (v) => (v.cost ? `${v.cost.amount.toFixed(4)} ${v.cost.currency}` : undefined),
              },
              { header: 'ERROR', value: (v) => (v.error ? formatReason(v.error) : undefined) },
            ],
            list.items,
          ),
          ...(list.nextToken ? [`More: --next-token ${list.nextToken}`] : []),
        ].join('\n'),
      );
    });

  video
    .command('cancel <videoId>')
    .description('stop a video job (and cancel a queued upstream task)')
    .action(async (videoId: string, _o: unknown, cmd: Command) => {
      const answer = await ctx.client(cmd).cancelVideo(videoId);
      ctx.result(cmd, answer ?? { videoId, cancelled: true }, () => `Cancelling ${videoId}`);
    });
}
