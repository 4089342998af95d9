import type { Command } from 'commander';
import type { ApiErrorBody, UploadStatus } from '../api-types';
import { ApiCallError } from '../api-client';
import type { CliContext } from '../context';
import { seconds } from '../context';
import { formatBytes, formatElapsed, formatReason, renderKeyValues, renderTable } from '../format';
import { CommandFailed } from '../errors';
import { readLocalFile, sendUpload, waitForUpload } from '../uploads';

export interface UploadResult {
  file: string;
  groupId: string;
  uploadId?: string;
  /** The API's status, or `uploaded` when not waited for, or `error` when the CLI could not upload. */
  status: string;
  assetId?: string;
  assetUri?: string;
  error?: ApiErrorBody;
}

interface UploadOptions {
  group: string;
  wait?: boolean;
  timeout?: number;
  pollInterval?: number;
}

const errorBody = (e: unknown): ApiErrorBody =>
  e instanceof ApiCallError
    ? { code: e.code, message: e.message, ...(e.hint ? { details: { hint: e.hint } } : {}) }
    : {
        code: (e as { code?: unknown }).code ? String((e as { code?: unknown }).code) : 'Error',
        message: e instanceof Error ? e.message : String(e),
      };

export function registerUploads(program: Command, ctx: CliContext): void {
  program
    .command('upload <files...>')
    .description(
      'upload images, videos (MP4, MOV) or audio (WAV, MP3) into a group; --wait follows each until its asset is active or rejected',
    )
    .requiredOption('-g, --group <groupId>', 'the group to add the assets to')
    .option('-w, --wait', 'wait until each upload is active, rejected, failed or expired')
    .option('--timeout <seconds>', 'how long --wait waits', seconds, 300_000)
    .option('--poll-interval <seconds>', 'seconds between status checks', seconds, 1000)
    .action(async (files: string[], o: UploadOptions, cmd: Command) => {
      const client = ctx.client(cmd);
      const started = Date.now();
      const say = (file: string, text: string) =>
        ctx.note(cmd, `${file}: ${text} (${formatElapsed(Date.now() - started)})`);

      const pending: Promise<UploadResult>[] = [];
      for (const path of files) {
        const result: UploadResult = { file: path, groupId: o.group, status: 'error' };
        try {
          const file = await readLocalFile(path);
          say(path, `uploading ${formatBytes(file.bytes.byteLength)} as ${file.contentType}`);
          const sent = await sendUpload(client, o.group, file);
          result.uploadId = sent.uploadId;
          result.status = 'uploaded';
          say(path, `uploaded, upload ${sent.uploadId}`);
        } catch (e) {
          result.error = errorBody(e);
          say(path, `upload failed: ${formatReason(result.error)}`);
          pending.push(Promise.resolve(result));
          continue;
        }
        if (!o.wait) {
          pending.push(Promise.resolve(result));
          continue;
        }
        const uploadId = result.uploadId;
        let last = '';
        pending.push(
          waitForUpload(client, o.group, uploadId, {
            intervalMs: o.pollInterval ?? 1000,
            timeoutMs: o.timeout ?? 300_000,
            onUpdate: (s) => {
              if (s.status !== last) say(path, statusLine(s));
              last = s.status;
            },
            ...(ctx.io.sleep ? { sleep: ctx.io.sleep } : {}),
          }).then(
            (s): UploadResult => ({
              ...result,
              status: s.status,
              ...(s.assetId ? { assetId: s.assetId } : {}),
              ...(s.assetUri ? { assetUri: s.assetUri } : {}),
              ...(s.error ? { error: s.error } : {}),
            }),
            (e: unknown): UploadResult => {
              const error = errorBody(e);
              say(path, `stopped waiting: ${formatReason(error)}`);
              return { ...result, error };
            },
          ),
        );
      }
      const results = await Promise.all(pending);
      ctx.result(cmd, results, () =>
        renderTable(
          [
            { header: 'FILE', value: (r: UploadResult) => r.file },
            { header: 'UPLOAD', value: (r) => r.uploadId },
            { header: 'STATUS', value: (r) => r.status },
            { header: 'ASSET', value: (r) => r.assetUri ?? (r.assetId ? `asset://${r.assetId}` : undefined) },
            { header: 'REASON', value: (r) => (r.error ? formatReason(r.error) : undefined) },
          ],
          results,
        ),
      );
      const bad = results.filter((r) => r.error !== undefined || (o.wait && r.status !== 'active'));
      if (bad.length > 0) {
        const first = bad[0]?.error;
        throw new CommandFailed(
          bad.some((r) => r.status === 'rejected') ? 'UploadRejected' : (first?.code ?? 'UploadFailed'),
          `${bad.length} of ${results.length} upload(s) did not ${o.wait ? 'become active' : 'complete'}` +
            (first ? `: ${formatReason(first)}` : ''),
          hintOf(first),
        );
      }
    });

  const uploads = program.command('uploads').description('upload status');
  uploads
    .command('get <uploadId>')
    .description('show the status of one upload')
    .requiredOption('-g, --group <groupId>', 'the group the upload went to')
    .action(async (uploadId: string, o: { group: string }, cmd: Command) => {
      const s = await ctx.client(cmd).getUpload(o.group, uploadId);
      ctx.result(cmd, s, () =>
        renderKeyValues({
          uploadId: s.uploadId,
          groupId: s.groupId,
          status: s.status,
          assetId: s.assetId,
          assetUri: s.assetUri,
          error: s.error ? formatReason(s.error) : undefined,
        }),
      );
    });
}

function statusLine(s: UploadStatus): string {
  if (s.status === 'active') return `active ${s.assetUri ?? `asset://${s.assetId ?? '?'}`}`;
  if (s.error) return `${s.status}: ${formatReason(s.error)}`;
  return s.status;
}

function hintOf(err: ApiErrorBody | undefined): string | undefined {
  const d = err?.details;
  return typeof d === 'object' && d !== null && typeof (d as { hint?: unknown }).hint === 'string'
    ? (d as { hint: string }).hint
    : undefined;
}
