// The model table (functions/core/video/models.ts), row by row: each limit accepted at its value and
// refused one past it with its own code, and — as a second opinion — the simulator's independent copy
// of the vendor's rules (local/upstream-sim/ark/content-rules.ts) agreeing on every boundary request.
import { describe, expect, it } from 'vitest';
import { createVideoBody } from '../../functions/core/api-schemas/videos';
import { loadConfig, ConfigError, modelCatalog } from '../../functions/core/config';
import { ApiError } from '../../functions/core/errors';
import {
  buildCreateTaskInput,
  checkVideoRules,
  knownRowOf,
  MODEL_TABLE,
  ModelCatalog,
  parseModelList,
  type ModelRow,
} from '../../functions/core/video';
import { validateCreateTask } from '../../local/upstream-sim/ark/content-rules';
import { SimArkError } from '../../local/upstream-sim/ark/errors';

const MODELS: Record<ModelRow, string> = {
  'seedance-2.0': 'doubao-seedance-2-0-260128',
  'seedance-2.0-fast': 'doubao-seedance-2-0-fast-260128',
  'seedance-2.0-mini': 'doubao-seedance-2-0-mini-260615',
  'seedance-2.5': 'doubao-seedance-2-5-260628',
};
const img = (n: number) => ({ url: `https://example.com/i${n}.png` });
const clip = (n: number) => ({ url: `https://example.com/c${n}.mp4` });
const many = <T>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));

/** Our verdict: undefined (accepted) or the error code. */
function ours(raw: unknown, model: string, catalog?: ModelCatalog): string | undefined {
  const body = createVideoBody.parse(raw);
  try {
    checkVideoRules(body, model, catalog);
    return undefined;
  } catch (e) {
    if (e instanceof ApiError) return e.code;
    throw e;
  }
}

/** The simulator's verdict on the CreateTask input we would send. */
function simulators(raw: unknown, model: string): 'accepted' | 'refused' {
  const body = createVideoBody.parse(raw);
  const input = buildCreateTaskInput(body, { model, seed: 1 });
  try {
    validateCreateTask(input, { models: Object.values(MODELS), asset: () => undefined });
    return 'accepted';
  } catch (e) {
    if (e instanceof SimArkError) return 'refused';
    throw e;
  }
}

interface Case {
  name: string;
  body: Record<string, unknown>;
  /** undefined = accepted. */
  code: string | undefined;
}

function casesFor(row: ModelRow): Case[] {
  const r = MODEL_TABLE[row];
  const cases: Case[] = [
    {
      name: `${r.maxImages} reference images`,
      body: { references: many(r.maxImages, img) },
      code: undefined,
    },
    {
      name: `${r.maxImages + 1} reference images`,
      body: { references: many(r.maxImages + 1, img) },
      code: 'TooManyReferenceImages',
    },
    {
      name: `${r.maxVideos} reference videos`,
      body: { references: [img(0)], referenceVideos: many(r.maxVideos, clip) },
      code: undefined,
    },
    {
      name: `${r.maxVideos + 1} reference videos`,
      body: { references: [img(0)], referenceVideos: many(r.maxVideos + 1, clip) },
      code: 'TooManyReferenceVideos',
    },
    {
      name: `${r.maxAudios} reference audios`,
      body: { references: [img(0)], referenceAudios: many(r.maxAudios, clip) },
      code: undefined,
    },
    {
      name: `${r.maxAudios + 1} reference audios`,
      body: { references: [img(0)], referenceAudios: many(r.maxAudios + 1, clip) },
      code: 'TooManyReferenceAudios',
    },
    {
      name: 'audio alone',
      body: { referenceAudios: [clip(0)] },
      code: r.audioOnly ? undefined : 'AudioWithoutVisual',
    },
    { name: `${r.maxDurationSeconds} s`, body: { duration: r.maxDurationSeconds }, code: undefined },
    { name: `${r.minDurationSeconds} s`, body: { duration: r.minDurationSeconds }, code: undefined },
    ...(r.maxDurationSeconds < 30
      ? [
          {
            name: `${r.maxDurationSeconds + 1} s`,
            body: { duration: r.maxDurationSeconds + 1 },
            code: 'DurationNotSupported',
          },
        ]
      : []),
  ];
  for (const res of ['480p', '720p', '1080p', '4k'] as const)
    cases.push({
      name: res,
      body: { resolution: res },
      code: (r.resolutions as readonly string[]).includes(res) ? undefined : 'ResolutionNotSupported',
    });
  for (const f of ['mp4', 'mov'] as const)
    cases.push({
      name: `output ${f}`,
      body: { outputFormat: f },
      code: (r.outputFormats as readonly string[]).includes(f) ? undefined : 'OutputFormatNotSupported',
    });
  return cases;
}

describe.each(Object.keys(MODEL_TABLE) as ModelRow[])('model row %s', (row) => {
  const model = MODELS[row];
  it.each(casesFor(row))('$name → $code', ({ body, code }) => {
    // Act
    const verdict = ours({ prompt: 'a calm scene', ...body }, model);
    // Assess
    expect(verdict).toBe(code);
    // The simulator, which holds its own copy of the vendor's rules, agrees.
    expect(simulators({ prompt: 'a calm scene', ...body }, model)).toBe(code ? 'refused' : 'accepted');
  });
});

describe('the table rows the issue names', () => {
  it('refuses 4k on 2.0 fast and accepts it on 2.0', () => {
    // Act / Assess
    expect(ours({ prompt: 'p', resolution: '4k' }, MODELS['seedance-2.0-fast'])).toBe(
      'ResolutionNotSupported',
    );
    expect(ours({ prompt: 'p', resolution: '4k' }, MODELS['seedance-2.0'])).toBeUndefined();
  });

  it("accepts 2.5's audio-only request and sends only the audio and the prompt", () => {
    // Arrange
    const body = createVideoBody.parse({
      prompt: 'A song: Audio 1',
      referenceAudios: [clip(1)],
      duration: 30,
    });
    // Act
    const verdict = ours(body, MODELS['seedance-2.5']);
    const input = buildCreateTaskInput(body, { model: MODELS['seedance-2.5'], seed: 7 });
    // Assess
    expect(verdict).toBeUndefined();
    expect(input.content.map((c) => c.type)).toEqual(['text', 'audio_url']);
    expect(input.duration).toBe(30);
    expect(ours(body, MODELS['seedance-2.0'])).toBe('AudioWithoutVisual');
    expect(ours({ ...body, references: [img(1)] }, MODELS['seedance-2.0'])).toBe('DurationNotSupported');
  });

  it('sends outputFormat, webSearch as the web_search tool, and leaves them out when absent', () => {
    // Arrange
    const body = createVideoBody.parse({ prompt: 'news of today', outputFormat: 'mov', webSearch: true });
    // Act
    const input = buildCreateTaskInput(body, { model: MODELS['seedance-2.5'], seed: 1 });
    const plain = buildCreateTaskInput(createVideoBody.parse({ prompt: 'p', webSearch: false }), {
      model: MODELS['seedance-2.0'],
      seed: 1,
    });
    // Assess
    expect(input).toMatchObject({ output_format: 'mov', tools: [{ type: 'web_search' }] });
    expect(plain).not.toHaveProperty('tools');
    expect(plain).not.toHaveProperty('output_format');
  });
});

describe('model IDs and the deployment catalog', () => {
  it('maps BytePlus dreamina- IDs onto the same rows', () => {
    // Act / Assess
    expect(knownRowOf('dreamina-seedance-2-0-fast-260128')).toBe('seedance-2.0-fast');
    expect(knownRowOf('dreamina-seedance-2-5-260628')).toBe('seedance-2.5');
    expect(ours({ prompt: 'p', resolution: '1080p' }, 'dreamina-seedance-2-0-fast-260128')).toBe(
      'ResolutionNotSupported',
    );
    expect(ours({ prompt: 'p', referenceAudios: [clip(1)] }, 'dreamina-seedance-2-5-260628')).toBeUndefined();
  });

  it('answers 400 UnknownModel naming the models there are', () => {
    // Arrange
    const catalog = new ModelCatalog(
      'doubao-seedance-2-0-260128',
      parseModelList('doubao-seedance-2-0-fast-260128'),
    );
    // Act
    let err: unknown;
    try {
      checkVideoRules(createVideoBody.parse({ prompt: 'p' }), 'doubao-seedance-2-5-260628', catalog);
    } catch (e) {
      err = e;
    }
    // Assess
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 400, code: 'UnknownModel' });
    expect((err as ApiError).message).toContain(
      'doubao-seedance-2-0-260128, doubao-seedance-2-0-fast-260128',
    );
  });

  it('reads SEEDANCE_MODELS: published IDs, id=row aliases, and refuses unknown rows and IDs', () => {
    // Act
    const config = loadConfig({
      SEEDANCE_MODELS: 'doubao-seedance-2-5-260628, ep-20260901-abc=seedance-2.0-mini',
    });
    const catalog = modelCatalog(config);
    // Assess
    expect(catalog.ids()).toEqual([
      'doubao-seedance-2-0-260128',
      'doubao-seedance-2-5-260628',
      'ep-20260901-abc',
    ]);
    expect(catalog.rowOf('ep-20260901-abc')).toBe('seedance-2.0-mini');
    expect(ours({ prompt: 'p', resolution: '1080p' }, 'ep-20260901-abc', catalog)).toBe(
      'ResolutionNotSupported',
    );
    expect(() => loadConfig({ SEEDANCE_MODELS: 'ep-1=seedance-9' })).toThrow(ConfigError);
    expect(() => loadConfig({ SEEDANCE_MODELS: 'my-model' })).toThrow(/my-model=<seedance-2.0/);
    expect(() => loadConfig({ SEEDANCE_MODEL: 'ep-x' })).toThrow(/SEEDANCE_MODELS/);
  });

  it('offers every published ID in both spellings by default', () => {
    // Act
    const ids = modelCatalog(loadConfig({})).ids();
    // Assess
    expect(ids[0]).toBe('doubao-seedance-2-0-260128');
    expect(ids).toHaveLength(8);
    expect(ids).toContain('dreamina-seedance-2-0-mini-260615');
  });
});

describe('new request fields and group references in the schema', () => {
  const issues = (raw: unknown) => {
    const r = createVideoBody.safeParse(raw);
    return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it('takes metadata up to 2 KB of JSON and refuses more', () => {
    // Act
    const fits = issues({ prompt: 'p', metadata: { order: 'A-1', tags: ['x'], note: 'é'.repeat(900) } });
    const tooBig = issues({ prompt: 'p', metadata: { note: 'x'.repeat(2100) } });
    // Assess
    expect(fits).toEqual([]);
    expect(tooBig).toEqual(['metadata: must serialize to at most 2048 bytes of JSON']);
  });

  it('takes {groupId} in references and clips, never in a frame or with a clip length', () => {
    // Act / Assess
    expect(issues({ prompt: 'p', references: [{ groupId: 'group-20260101000000-abcde' }] })).toEqual([]);
    expect(issues({ prompt: 'p', referenceAudios: [{ groupId: 'group-20260101000000-abcde' }] })).toEqual([]);
    expect(issues({ prompt: 'p', firstFrame: { groupId: 'group-20260101000000-abcde' } })).toContain(
      'firstFrame: Unrecognized key: "groupId"',
    );
    expect(
      issues({
        prompt: 'p',
        referenceVideos: [{ groupId: 'group-20260101000000-abcde', durationSeconds: 3 }],
      }),
    ).toEqual(['referenceVideos.0: durationSeconds describes one clip; leave it out with groupId']);
    expect(issues({ prompt: 'p', references: [{ groupId: 'not-a-group' }] })).toEqual([
      'references.0.groupId: must be a group ID (group-...)',
    ]);
  });

  it('refuses an unknown outputFormat', () => {
    // Act / Assess
    expect(issues({ prompt: 'p', outputFormat: 'webm' })).toEqual(['outputFormat: must be one of mp4, mov']);
  });
});
