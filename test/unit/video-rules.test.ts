// Every POST /videos request rule, with the error code and message a caller sees. Field rules come from
// the zod schema (400 ValidationError, one entry per field); rules relating fields come from
// functions/core/video/rules.ts and assets.ts (each its own code).
import { describe, expect, it } from 'vitest';
import { createVideoBody, type CreateVideoBody } from '../../functions/core/api-schemas/videos';
import { ApiError, UpstreamError } from '../../functions/core/errors';
import { checkReferencedAssets, checkVideoRules, type AssetLookup } from '../../functions/core/video';
import type { Asset } from '../../functions/core/volcengine/types';

const MODEL = 'doubao-seedance-2-0-260128';
const FAST = 'doubao-seedance-2-0-fast-260128';
const A1 = 'asset-20260318035710-aaaaa';
const A2 = 'asset-20260318035711-bbbbb';
const A3 = 'asset-20260318035712-ccccc';

const url = (n: number) => ({ url: `https://example.com/m${n}.png` });

/** Parses like the API does, then applies the cross-field rules; returns the error a caller would get. */
function errorOf(
  raw: unknown,
  model = MODEL,
): { code: string; message: string; status: number; details?: unknown } | undefined {
  const parsed = createVideoBody.safeParse(raw);
  if (!parsed.success)
    return {
      status: 400,
      code: 'ValidationError',
      message: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
    };
  try {
    checkVideoRules(parsed.data, model);
    return undefined;
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    return { status: e.status, code: e.code, message: e.message, details: e.details };
  }
}

describe('video request field rules (zod, 400 ValidationError)', () => {
  it.each([
    ['no prompt', {}, 'prompt'],
    ['an empty prompt', { prompt: '   ' }, 'prompt: must not be empty'],
    [
      'an unknown ratio',
      { prompt: 'p', ratio: '2:1' },
      'ratio: must be one of 16:9, 4:3, 1:1, 3:4, 9:16, 21:9, adaptive',
    ],
    [
      'an unknown resolution',
      { prompt: 'p', resolution: '8k' },
      'resolution: must be one of 480p, 720p, 1080p, 4k',
    ],
    [
      'a duration of 3 s',
      { prompt: 'p', duration: 3 },
      'duration: must be 4 to 30 seconds (the model sets the upper bound), or -1',
    ],
    [
      'a duration of 31 s',
      { prompt: 'p', duration: 31 },
      'duration: must be 4 to 30 seconds (the model sets the upper bound), or -1',
    ],
    [
      'a duration of 0',
      { prompt: 'p', duration: 0 },
      'duration: must be 4 to 30 seconds (the model sets the upper bound), or -1',
    ],
    ['a fractional duration', { prompt: 'p', duration: 5.5 }, 'duration: must be a whole number of seconds'],
    ['a seed below -1', { prompt: 'p', seed: -2 }, 'seed: must be -1 (random) or 0 to 4294967295'],
    [
      'a seed above 2^32-1',
      { prompt: 'p', seed: 4294967296 },
      'seed: must be -1 (random) or 0 to 4294967295',
    ],
    ['a fractional seed', { prompt: 'p', seed: 1.5 }, 'seed: must be an integer'],
    [
      'a media item with both assetId and url',
      { prompt: 'p', references: [{ assetId: A1, ...url(1) }] },
      'references.0: give exactly one of assetId, url or groupId',
    ],
    [
      'a media item with neither',
      { prompt: 'p', firstFrame: {} },
      'firstFrame: give exactly one of assetId or url',
    ],
    [
      'an asset:// URL',
      { prompt: 'p', references: [{ url: `asset://${A1}` }] },
      'references.0.url: must be an http(s) URL; for a library asset pass {"assetId": "asset-..."} instead',
    ],
    [
      'a data: URL',
      { prompt: 'p', firstFrame: { url: 'data:image/png;base64,AAAA' } },
      'firstFrame.url: must be an http(s) URL',
    ],
    [
      'a malformed asset ID',
      { prompt: 'p', references: [{ assetId: 'group-1' }] },
      'references.0.assetId: must be an asset ID (asset-...)',
    ],
    [
      'a clip longer than 30 s',
      { prompt: 'p', referenceVideos: [{ ...url(1), durationSeconds: 31 }] },
      'referenceVideos.0.durationSeconds',
    ],
    ['an unknown field', { prompt: 'p', camera_fixed: true }, 'camera_fixed'],
    ['a malformed model', { prompt: 'p', model: 'bad model!' }, 'model: must be a model name'],
  ])('refuses %s', (_name, body, expected) => {
    // Act
    const err = errorOf(body);
    // Assess
    expect(err?.code).toBe('ValidationError');
    expect(err?.message).toContain(expected);
  });

  it.each([
    ['-1 duration', { prompt: 'p', duration: -1 }],
    ['4 s', { prompt: 'p', duration: 4 }],
    ['15 s', { prompt: 'p', duration: 15 }],
    ['seed -1', { prompt: 'p', seed: -1 }],
    ['seed 2^32-1', { prompt: 'p', seed: 4294967295 }],
    ['every ratio', { prompt: 'p', ratio: '21:9' }],
  ])('accepts %s', (_name, body) => {
    // Act
    const err = errorOf(body);
    // Assess
    expect(err).toBeUndefined();
  });
});

describe('video request cross-field rules', () => {
  it.each([
    [
      'lastFrame without firstFrame',
      { prompt: 'p', lastFrame: url(1) },
      'LastFrameWithoutFirstFrame',
      'lastFrame needs a firstFrame: give both, only firstFrame, or use references instead',
    ],
    [
      'firstFrame with references',
      { prompt: 'p', firstFrame: url(1), references: [url(2)] },
      'ImageModeConflict',
      'Use one image mode: firstFrame (optionally with lastFrame) or 1–9 references, not both',
    ],
    [
      'first+last frame with references',
      { prompt: 'p', firstFrame: url(1), lastFrame: url(2), references: [url(3)] },
      'ImageModeConflict',
      'Use one image mode',
    ],
    [
      '10 reference images',
      { prompt: 'p', references: Array.from({ length: 10 }, (_, i) => url(i)) },
      'TooManyReferenceImages',
      'At most 9 reference images are allowed; got 10',
    ],
    [
      '4 reference videos',
      { prompt: 'p', referenceVideos: [url(1), url(2), url(3), url(4)] },
      'TooManyReferenceVideos',
      'At most 3 reference videos are allowed; got 4',
    ],
    [
      'reference videos over 15 s in total',
      {
        prompt: 'p',
        referenceVideos: [
          { ...url(1), durationSeconds: 8 },
          { ...url(2), durationSeconds: 8 },
        ],
      },
      'ReferenceVideosTooLong',
      'Reference videos may last 15 s in total; the given durations add up to 16 s',
    ],
    [
      '4 reference audios',
      { prompt: 'p', references: [url(0)], referenceAudios: [url(1), url(2), url(3), url(4)] },
      'TooManyReferenceAudios',
      'At most 3 reference audios are allowed; got 4',
    ],
    [
      'reference audios over 15 s in total',
      {
        prompt: 'p',
        references: [url(0)],
        referenceAudios: [
          { ...url(1), durationSeconds: 10 },
          { ...url(2), durationSeconds: 6 },
        ],
      },
      'ReferenceAudiosTooLong',
      'Reference audios may last 15 s in total; the given durations add up to 16 s',
    ],
    [
      'audio without image or video',
      { prompt: 'p', referenceAudios: [url(1)] },
      'AudioWithoutVisual',
      'Reference audio needs at least one image or reference video in the same request',
    ],
    [
      'an asset ID in the prompt',
      { prompt: `The character of ${A1} waves`, references: [{ assetId: A1 }] },
      'PromptReferencesAssetId',
      'The prompt names an asset by its ID or asset:// URI; the model never sees asset IDs. Name media by type and position in the prompt, e.g. "Image 1"',
    ],
    [
      'an asset:// URI in the prompt',
      { prompt: `asset://${A1} smiles`, references: [{ assetId: A1 }] },
      'PromptReferencesAssetId',
      '"Image 1"',
    ],
    [
      'a prompt naming an image the request lacks',
      { prompt: 'Image 1 hugs Image 2', references: [url(1)] },
      'PromptReferencesMissingMedia',
      'The prompt mentions "Image 2" but the request has 1 image.',
    ],
    [
      'a prompt naming a video when there is none',
      { prompt: 'Image 1 dances like Video 1', references: [url(1)] },
      'PromptReferencesMissingMedia',
      'The prompt mentions "Video 1" but the request has 0 videos.',
    ],
  ])('refuses %s', (_name, body, code, message) => {
    // Act
    const err = errorOf(body);
    // Assess
    expect(err?.status).toBe(400);
    expect(err?.code).toBe(code);
    expect(err?.message).toContain(message);
  });

  it('refuses 1080p on a fast model', () => {
    // Act
    const err = errorOf({ prompt: 'p', resolution: '1080p' }, FAST);
    // Assess
    expect(err).toMatchObject({
      status: 400,
      code: 'ResolutionNotSupported',
      message: `The model ${FAST} has no 1080p; use 480p, 720p, or another model`,
    });
  });

  it.each([
    ['text only', { prompt: 'A cat surfs' }, MODEL],
    ['first frame', { prompt: 'Image 1 walks', firstFrame: url(1) }, MODEL],
    [
      'first and last frame',
      { prompt: 'From Image 1 to Image 2', firstFrame: url(1), lastFrame: url(2) },
      MODEL,
    ],
    [
      '9 references',
      { prompt: 'Image 9 waves', references: Array.from({ length: 9 }, (_, i) => url(i)) },
      MODEL,
    ],
    [
      '3 videos of 15 s in total and 3 audios with an image',
      {
        prompt: 'Image 1 moves like Video 3 to Audio 3',
        references: [url(0)],
        referenceVideos: [{ ...url(1), durationSeconds: 5 }, { ...url(2), durationSeconds: 10 }, url(3)],
        referenceAudios: [url(4), url(5), { ...url(6), durationSeconds: 15 }],
      },
      MODEL,
    ],
    ['audio with a video only', { prompt: 'p', referenceVideos: [url(1)], referenceAudios: [url(2)] }, MODEL],
    ['1080p on the standard model', { prompt: 'p', resolution: '1080p' }, MODEL],
    ['720p on a fast model', { prompt: 'p', resolution: '720p' }, FAST],
    ['ordinary prose about videos', { prompt: 'a video 2 seconds long about image 3 things' }, MODEL],
  ])('accepts %s', (_name, body, model) => {
    // Act
    const err = errorOf(body, model);
    // Assess
    expect(err).toBeUndefined();
  });
});

function asset(id: string, over: Partial<Asset> = {}): Asset {
  return {
    id,
    name: id,
    groupId: 'group-20260318035710-ggggg',
    assetType: 'Image',
    status: 'Active',
    projectName: 'default',
    createTime: '2026-03-18T03:57:10Z',
    updateTime: '2026-03-18T03:57:10Z',
    ...over,
  };
}

function lookup(assets: Asset[], calls: string[] = []): AssetLookup {
  return {
    getAsset: async (id) => {
      calls.push(id);
      const a = assets.find((x) => x.id === id);
      if (!a)
        throw new UpstreamError({
          service: 'volcengine',
          code: 'NotFound.asset_id',
          status: 404,
          message: 'not found',
        });
      return a;
    },
  };
}

async function assetError(body: CreateVideoBody, l: AssetLookup): Promise<ApiError | undefined> {
  try {
    await checkReferencedAssets(body, l, 'default');
    return undefined;
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
}

describe('referenced asset checks', () => {
  it('looks every distinct asset up once and accepts Active ones of the right type', async () => {
    // Prepare
    const calls: string[] = [];
    const body = createVideoBody.parse({
      prompt: 'Image 1 and Image 2 dance to Audio 1',
      references: [{ assetId: A1 }, { assetId: A1 }],
      referenceAudios: [{ assetId: A2 }],
    });
    // Act
    const err = await assetError(body, lookup([asset(A1), asset(A2, { assetType: 'Audio' })], calls));
    // Assess
    expect(err).toBeUndefined();
    expect(calls.sort()).toEqual([A1, A2]);
  });

  it('answers 400 AssetNotFound for an unknown asset', async () => {
    // Prepare
    const body = createVideoBody.parse({ prompt: 'p', references: [{ assetId: A1 }] });
    // Act
    const err = await assetError(body, lookup([]));
    // Assess
    expect(err).toMatchObject({
      status: 400,
      code: 'AssetNotFound',
      message: `Asset ${A1} was not found in project default`,
    });
  });

  it('answers 400 AssetNotFound for an asset of another project', async () => {
    // Prepare
    const body = createVideoBody.parse({ prompt: 'p', firstFrame: { assetId: A1 } });
    // Act
    const err = await assetError(body, lookup([asset(A1, { projectName: 'other' })]));
    // Assess
    expect(err).toMatchObject({ status: 400, code: 'AssetNotFound' });
  });

  it('answers 409 AssetNotActive for a Processing asset', async () => {
    // Prepare
    const body = createVideoBody.parse({ prompt: 'p', references: [{ assetId: A1 }] });
    // Act
    const err = await assetError(body, lookup([asset(A1, { status: 'Processing' })]));
    // Assess
    expect(err).toMatchObject({
      status: 409,
      code: 'AssetNotActive',
      message: `Asset ${A1} is still Processing; retry once it is Active`,
    });
  });

  it('answers 409 AssetNotActive for a Failed asset, naming its failure', async () => {
    // Prepare
    const body = createVideoBody.parse({ prompt: 'p', references: [{ assetId: A1 }] });
    const failed = asset(A1, { status: 'Failed', error: { code: 'WidthTooSmall', message: 'w' } });
    // Act
    const err = await assetError(body, lookup([failed]));
    // Assess
    expect(err).toMatchObject({
      status: 409,
      code: 'AssetNotActive',
      message: `Asset ${A1} is Failed (WidthTooSmall); upload it again`,
    });
  });

  it('answers 400 AssetTypeMismatch for a video asset in an image slot', async () => {
    // Prepare
    const body = createVideoBody.parse({ prompt: 'p', references: [{ assetId: A1 }] });
    // Act
    const err = await assetError(body, lookup([asset(A1, { assetType: 'Video' })]));
    // Assess
    expect(err).toMatchObject({
      status: 400,
      code: 'AssetTypeMismatch',
      message: `Asset ${A1} is a Video asset but references.0 needs Image`,
    });
  });

  it('reports a permanent problem before a temporary one and lists them all', async () => {
    // Prepare
    const body = createVideoBody.parse({ prompt: 'p', references: [{ assetId: A1 }, { assetId: A3 }] });
    // Act
    const err = await assetError(body, lookup([asset(A1, { status: 'Processing' })]));
    // Assess
    expect(err?.code).toBe('AssetNotFound');
    expect((err?.details as { problems: Array<{ code: string }> }).problems.map((p) => p.code)).toEqual([
      'AssetNotActive',
      'AssetNotFound',
    ]);
  });

  it('lets other upstream failures through for the API to map', async () => {
    // Prepare
    const body = createVideoBody.parse({ prompt: 'p', references: [{ assetId: A1 }] });
    const throttled: AssetLookup = {
      getAsset: async () => {
        throw new UpstreamError({
          service: 'volcengine',
          code: 'FlowLimitExceeded',
          status: 429,
          message: 'slow down',
        });
      },
    };
    // Act
    const act = checkReferencedAssets(body, throttled, 'default');
    // Assess
    await expect(act).rejects.toBeInstanceOf(UpstreamError);
  });
});
