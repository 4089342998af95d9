/**
 * The Validate step on video and audio uploads (S3 mocked: one handler, its ranged GETs counted): it
 * judges by the kind the key's extension declares, reads at most 2 ranges pinned to the ETag, returns the
 * AssetType CreateAsset needs, pins accepted clips with their real MIME type and pins nothing rejected.
 */
import {
  CopyObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  S3Client,
  type GetObjectCommandOutput,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { newUploadId } from '../../functions/core/uploads';
import { resetS3Client } from '../../functions/shared/s3';
import { resetIngestRuntime } from '../../functions/shared/ingest-step';
import { movie, mp3Cbr, wav, type VirtualFile } from '../support/media-files';

const s3 = mockClient(S3Client);
const BUCKET = 'uploads-bucket';
const uploadId = newUploadId();
const MB = 1024 * 1024;

function serve(file: VirtualFile, etag = '"etag-m"') {
  s3.on(HeadObjectCommand).resolves({ ContentLength: file.size, ETag: etag });
  s3.on(GetObjectCommand).callsFake(async (input: { Range?: string }) => {
    const [, from, to] = /bytes=(\d+)-(\d+)/.exec(input.Range ?? '') ?? [];
    const part = await file.read(Number(from), Number(to) - Number(from) + 1);
    return { Body: { transformToByteArray: async () => part } as unknown as GetObjectCommandOutput['Body'] };
  });
  s3.on(CopyObjectCommand).resolves({});
}

const validate = async (ext: string) => {
  const { handler } = await import('../../functions/steps/ingest/validate-image');
  return handler({ bucket: BUCKET, key: `incoming/group-1/${uploadId}.${ext}`, uploadId });
};

beforeAll(() => {
  vi.stubEnv('AWS_REGION', 'us-east-1');
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDTEST');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'secret-test-key');
  vi.stubEnv('AWS_SESSION_TOKEN', '');
});
afterAll(() => vi.unstubAllEnvs());
beforeEach(() => {
  s3.reset();
  resetIngestRuntime();
  resetS3Client();
});

describe('Validate step on video and audio', () => {
  it('reads a 200 MB mp4 whose moov is at the end in 2 pinned ranges and returns AssetType Video', async () => {
    serve(movie({ seconds: 12, moov: 'last', audio: true, fileSize: 200 * MB }));
    const out = await validate('mp4');
    expect(out).toMatchObject({
      kind: 'video',
      assetType: 'Video',
      format: 'mp4',
      mime: 'video/mp4',
      durationSeconds: 12,
      fps: 30,
      hasAudio: true,
      verdict: { ok: true },
      reads: 2,
    });
    const gets = s3.commandCalls(GetObjectCommand).map((c) => c.args[0].input);
    expect(gets).toHaveLength(2);
    for (const g of gets) expect(g.IfMatch).toBe('"etag-m"');
    expect(out.bytesRead / (200 * MB)).toBeLessThan(0.005);
    const copy = s3.commandCalls(CopyObjectCommand)[0]?.args[0].input;
    expect(copy).toMatchObject({
      Key: `validated/group-1/${uploadId}.mp4`,
      CopySourceIfMatch: '"etag-m"',
      ContentType: 'video/mp4',
    });
  });

  it.each([
    ['wav', wav({ seconds: 3 }), 'audio/wav'],
    ['mp3', mp3Cbr({ seconds: 5 }), 'audio/mpeg'],
  ])('accepts a %s as AssetType Audio', async (ext, file, mime) => {
    serve(file);
    const out = await validate(ext);
    expect(out).toMatchObject({ kind: 'audio', assetType: 'Audio', mime, verdict: { ok: true } });
    expect(out.reads).toBe(1);
  });

  it('rejects WAV bytes under a .mp4 key as TypeMismatch, and pins nothing', async () => {
    serve(wav({ seconds: 3 }));
    const out = await validate('mp4');
    expect(out.verdict).toEqual({
      ok: false,
      code: 'TypeMismatch',
      message: 'the file is WAV audio, but it was uploaded as video',
    });
    expect(s3.commandCalls(CopyObjectCommand)).toHaveLength(0);
  });

  it('rejects a 250 MB video from HeadObject alone', async () => {
    serve(movie({ seconds: 10, fileSize: 250 * MB }));
    const out = await validate('mov');
    expect(out.verdict).toMatchObject({ ok: false, code: 'FileSizeTooLarge' });
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
  });

  it('follows VIDEO_MAX_SECONDS', async () => {
    vi.stubEnv('VIDEO_MAX_SECONDS', '10');
    resetIngestRuntime();
    serve(movie({ seconds: 12 }));
    const out = await validate('mp4');
    expect(out.verdict).toMatchObject({ code: 'DurationTooLong', message: 'duration 12 s is above 10 s' });
    vi.stubEnv('VIDEO_MAX_SECONDS', '');
  });

  it('still judges an image key as an image', async () => {
    serve(movie({ seconds: 5 }));
    const out = await validate('png');
    expect(out).toMatchObject({
      kind: 'image',
      assetType: 'Image',
      verdict: { ok: false, code: 'FormatUnsupported' },
    });
  });
});
