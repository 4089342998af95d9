import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../local/upstream-sim/index';
import { settledAsset, volcOk } from './helpers/clients';
import { startFileServer, unreachableUrl, type FileServer } from './helpers/file-server';
import { bmp, garbage, gif, heic, jpeg, png, svg, tiff, wav, webp } from './helpers/images';

let sim: Simulator;
let files: FileServer;
let groupId: string;
const video = readFileSync(new URL('../fixtures/sim/sample.mp4', import.meta.url));

beforeAll(async () => {
  sim = await startSimulator({
    port: 0,
    timeScale: 0.001,
    seed: 3,
    rateLimits: { CreateAsset: 0, GetAsset: 0 },
    // Semantics, not limits: the most generous tier (the limits have their own tests).
    tier: 'premium',
  });
  files = await startFileServer();
  groupId = (await volcOk(sim, 'CreateAssetGroup', { Name: 'checks' })).Id as string;
});
afterAll(async () => {
  await sim.close();
  await files.close();
});

let n = 0;
/** Serves `body` at a fresh path, ingests it and waits for the final status. */
async function ingest(body: Buffer, assetType = 'Image', status = 200): Promise<Record<string, unknown>> {
  const path = `/f${n++}`;
  files.set(path, { body, status });
  return ingestUrl(files.url(path), assetType);
}

async function ingestUrl(url: string, assetType = 'Image'): Promise<Record<string, unknown>> {
  const { Id } = await volcOk(sim, 'CreateAsset', { GroupId: groupId, URL: url, AssetType: assetType });
  return settledAsset(sim, Id as string);
}

/** The sample MP4 with its `mvhd` duration rewritten, to test the duration rule. */
function videoLasting(seconds: number): Buffer {
  const copy = Buffer.from(video);
  const at = copy.indexOf('mvhd', 0, 'latin1');
  const timescale = copy.readUInt32BE(at + 16);
  copy.writeUInt32BE(Math.round(seconds * timescale), at + 20);
  return copy;
}

describe('CreateAsset processing: accepted files', () => {
  it.each([
    ['jpeg', jpeg],
    ['png', png],
    ['webp', webp],
    ['bmp', bmp],
    ['tiff', tiff],
    ['gif', gif],
    ['heic', heic],
  ])('turns a %s image Active', async (_name, make) => {
    const asset = await ingest(make(640, 480));
    expect(asset).toMatchObject({ Status: 'Active' });
  });

  it.each([
    [300, 300],
    [6000, 6000],
    [300, 750],
    [750, 300],
  ])('accepts the boundary size %i×%i', async (w, h) => {
    const asset = await ingest(png(w, h));
    expect(asset.Status).toBe('Active');
  });

  it('turns the committed avatar fixture, an MP4 Video and a WAV Audio Active', async () => {
    const avatar = await ingest(readFileSync(new URL('../fixtures/sim/avatar.png', import.meta.url)));
    const mp4 = await ingest(video, 'Video');
    const audio = await ingest(wav(3), 'Audio');
    expect([avatar.Status, mp4.Status, audio.Status]).toEqual(['Active', 'Active', 'Active']);
  });

  it('stays Processing for the configured delay before turning Active', async () => {
    // Prepare
    const slow = await startSimulator({ port: 0, assetDelayMs: [500, 500] });
    files.set('/slow.png', { body: png(640, 640) });
    try {
      const gid = (await volcOk(slow, 'CreateAssetGroup', { Name: 'slow' })).Id;
      const started = Date.now();

      // Act
      const { Id } = await volcOk(slow, 'CreateAsset', {
        GroupId: gid,
        URL: files.url('/slow.png'),
        AssetType: 'Image',
      });
      const early = await volcOk(slow, 'GetAsset', { Id });
      const final = await settledAsset(slow, Id as string);

      // Assess
      expect(early.Status).toBe('Processing');
      expect(final.Status).toBe('Active');
      expect(Date.now() - started).toBeGreaterThanOrEqual(500);
    } finally {
      await slow.close();
    }
  });
});

describe('CreateAsset processing: failure codes', () => {
  it.each([
    ['WidthTooSmall', () => png(299, 600)],
    ['HeightTooSmall', () => png(600, 299)],
    ['WidthTooLarge', () => png(6001, 3000)],
    ['HeightTooLarge', () => png(3000, 6001)],
    ['AspectRatioTooSmall', () => png(300, 751)],
    ['AspectRatioTooLarge', () => png(751, 300)],
    ['FormatUnsupported', () => svg(640, 480)],
    ['FormatUndetectable', () => garbage()],
    ['TypeMismatch', () => video],
  ])('fails with %s', async (code, make) => {
    // Act
    const asset = await ingest(make());

    // Assess
    expect(asset.Status).toBe('Failed');
    expect(asset.Error).toEqual({ Code: code, Message: expect.any(String) });
    expect(asset.URL).toBeUndefined();
  });

  it('fails with FileSizeTooLarge for an image of 30 MB or more', async () => {
    const big = Buffer.concat([png(640, 480), Buffer.alloc(30 * 1024 * 1024)]);
    const asset = await ingest(big);
    expect(asset.Error).toMatchObject({ Code: 'FileSizeTooLarge' });
  });

  it('fails Video and Audio assets with TypeMismatch and the duration rule', async () => {
    const imageAsVideo = await ingest(png(640, 480), 'Video');
    const videoAsAudio = await ingest(video, 'Audio');
    const short = await ingest(videoLasting(1), 'Video');
    const long = await ingest(wav(16), 'Audio');
    expect((imageAsVideo.Error as { Code: string }).Code).toBe('TypeMismatch');
    expect((videoAsAudio.Error as { Code: string }).Code).toBe('TypeMismatch');
    expect((short.Error as { Code: string }).Code).toBe('DurationTooShort');
    expect((long.Error as { Code: string }).Code).toBe('DurationTooLong');
  });

  it('fails with DownloadFailed for unreachable, non-2xx and expired URLs, without echoing the URL', async () => {
    // Prepare
    const expiredAmz = `${files.url('/exists.png')}?X-Amz-Date=20200101T000000Z&X-Amz-Expires=900&X-Amz-Signature=abc`;
    files.set('/exists.png', { body: png(640, 480) });

    // Act
    const unreachable = await ingestUrl(await unreachableUrl());
    const notFound = await ingestUrl(files.url('/missing.png'));
    const forbidden = await ingest(png(640, 480), 'Image', 403);
    const serverError = await ingest(png(640, 480), 'Image', 500);
    const expired = await ingestUrl(expiredAmz);

    // Assess
    for (const a of [unreachable, notFound, forbidden, serverError, expired]) {
      expect(a.Status).toBe('Failed');
      expect((a.Error as { Code: string }).Code).toBe('DownloadFailed');
      expect(JSON.stringify(a.Error)).not.toContain('127.0.0.1');
    }
    expect(files.hits('/exists.png')).toBe(0);
  });

  it.each(['ContentRestricted', 'InputImageSensitiveContentDetected', 'FaceMismatch'])(
    'fails with the forced code %s',
    async (code) => {
      // Prepare
      sim.control.forceAssetFailure(code);

      // Act
      const asset = await ingest(png(640, 480)).finally(() => sim.control.forceAssetFailure(null));

      // Assess
      expect(asset.Error).toMatchObject({ Code: code });
    },
  );
});

describe('the asset URL GetAsset returns', () => {
  it('expires: 403 once the link lifetime has passed, 403 when its expiry is extended by hand', async () => {
    // Prepare
    const shortLinks = await startSimulator({ port: 0, timeScale: 0.001, linkTtlMs: 600 });
    files.set('/link.png', { body: png(640, 480) });
    try {
      const gid = (await volcOk(shortLinks, 'CreateAssetGroup', { Name: 'links' })).Id;
      const { Id } = await volcOk(shortLinks, 'CreateAsset', {
        GroupId: gid,
        URL: files.url('/link.png'),
        AssetType: 'Image',
      });
      const asset = await settledAsset(shortLinks, Id as string);
      const url = asset.URL as string;

      // Act
      const fresh = await fetch(url);
      const tampered = await fetch(
        url.replace(/X-Expires=(\d+)/, (_m, t: string) => `X-Expires=${Number(t) + 3_600_000}`),
      );
      await new Promise((r) => setTimeout(r, 650));
      const late = await fetch(url);

      // Assess
      expect(fresh.status).toBe(200);
      expect(tampered.status).toBe(403);
      expect(late.status).toBe(403);
      expect(await late.text()).toContain('Request has expired');
    } finally {
      await shortLinks.close();
    }
  });
});
