/**
 * Video and audio assets end to end in the local stack (the same handlers and ASL files on s3rver,
 * local Step Functions and the upstream simulator): an MP4, a WAV and an MP3 reach `active` as Video and
 * Audio assets, and a video request references them; bad media is rejected with a reason a person can
 * read before upstream is asked; a mistyped reference is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../cli/api-client';
import { ApiCallError } from '../../cli/api-client';
import { sendUpload, waitForUpload, type LocalFile } from '../../cli/uploads';
import { waitForVideo } from '../../cli/videos';
import { makeAvatarPng } from '../../local/avatar';
import type { startLocalStack } from '../../local/start';
import { movie, mp3Vbr, wav } from '../support/media-files';
import { openE2eStack, type E2eStack } from '../support/e2e-stack';

const TIME_SCALE = 0.02;

let stack: Awaited<ReturnType<typeof startLocalStack>>;
let client: ApiClient;
let groupId: string;
let e2e: E2eStack | undefined;

const file = (fileName: string, contentType: string, bytes: Uint8Array): LocalFile => ({
  path: fileName,
  fileName,
  contentType,
  bytes,
});

async function ingest(f: LocalFile) {
  const sent = await sendUpload(client, groupId, f);
  return waitForUpload(client, groupId, sent.uploadId, { intervalMs: 100, timeoutMs: 60_000 });
}

beforeAll(async () => {
  e2e = await openE2eStack({ timeScale: TIME_SCALE, tier: 'premium' });
  ({ stack, client } = e2e);
  groupId = (await client.createGroup({ name: 'media-e2e' })).groupId;
});

afterAll(async () => {
  await e2e?.close();
});

describe('video and audio assets in the local stack', () => {
  it(
    'turns an MP4, a WAV and an MP3 into active Video and Audio assets a video can reference',
    { timeout: 120_000 },
    async () => {
      // Act
      const [image, clip, voice, song] = await Promise.all([
        ingest(file('face.png', 'image/png', makeAvatarPng())),
        ingest(file('clip.mp4', 'video/mp4', movie({ seconds: 5, moov: 'last', audio: true }).bytes())),
        ingest(file('voice.wav', 'audio/wav', wav({ seconds: 3 }).bytes())),
        ingest(file('song.mp3', 'audio/mpeg', mp3Vbr({ seconds: 4 }).bytes())),
      ]);

      // Assess: active, and upstream holds them under the right AssetType.
      for (const u of [image, clip, voice, song])
        expect(u).toMatchObject({ status: 'active', assetId: expect.stringMatching(/^asset-/) });
      const types = (stack.simulator?.control.assets() ?? []) as Array<{ Id: string; AssetType: string }>;
      const typeOf = (id: string | undefined) => types.find((a) => a.Id === id)?.AssetType;
      expect([image, clip, voice, song].map((u) => typeOf(u.assetId))).toEqual([
        'Image',
        'Video',
        'Audio',
        'Audio',
      ]);

      const job = await client.createVideo({
        prompt: 'Image 1 walks like the person in Video 1 while Audio 1 plays',
        references: [{ assetId: image.assetId ?? '' }],
        referenceVideos: [{ assetId: clip.assetId ?? '', durationSeconds: 5 }],
        referenceAudios: [{ assetId: voice.assetId ?? '', durationSeconds: 3 }],
        duration: 5,
      });
      const done = await waitForVideo(client, job.videoId, { intervalMs: 100, timeoutMs: 90_000 });
      expect(done.status).toBe('succeeded');

      // A clip in the wrong slot is refused before anything is spent.
      const wrong = await client
        .createVideo({
          prompt: 'Image 1 sings',
          references: [{ assetId: image.assetId ?? '' }],
          referenceVideos: [{ assetId: song.assetId ?? '' }],
        })
        .catch((e: unknown) => e);
      expect(wrong).toBeInstanceOf(ApiCallError);
      expect((wrong as ApiCallError).code).toBe('AssetTypeMismatch');
    },
  );

  it('rejects bad media with the reason, and never registers it upstream', { timeout: 60_000 }, async () => {
    const before = (stack.simulator?.control.assets() ?? []).length;
    const [long, eightK, audioAsVideo] = await Promise.all([
      ingest(file('long.mp4', 'video/mp4', movie({ seconds: 31 }).bytes())),
      ingest(file('8k.mp4', 'video/mp4', movie({ seconds: 3, width: 7680, height: 4320 }).bytes())),
      ingest(file('voice.mp4', 'video/mp4', wav({ seconds: 3 }).bytes())),
    ]);
    expect(long).toMatchObject({
      status: 'rejected',
      error: { code: 'DurationTooLong', message: expect.stringContaining('duration 31 s is above 30 s') },
    });
    expect(eightK).toMatchObject({ status: 'rejected', error: { code: 'PixelCountTooLarge' } });
    expect(audioAsVideo).toMatchObject({
      status: 'rejected',
      error: { code: 'TypeMismatch', message: expect.stringContaining('WAV audio') },
    });
    expect((stack.simulator?.control.assets() ?? []).length).toBe(before);
  });
});
