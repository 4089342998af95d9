/**
 * The one table of per-model request rules (UPSTREAM.md §2 "Models", seen 2026-09). The request rules
 * (rules.ts) read it, the console's pickers read it through them, and the deployment's model list
 * (SEEDANCE_MODELS, config.ts) maps model or endpoint IDs onto its rows. BytePlus names the same models
 * `dreamina-…` where Volcengine says `doubao-…`; both map onto one row.
 *
 * The simulator keeps its own table (local/upstream-sim/ark/content-rules.ts) on purpose: two
 * independent copies of the vendor's rules, so a mistake in one shows up as a disagreement in tests.
 */

export const RESOLUTIONS = ['480p', '720p', '1080p', '4k'] as const;
export type Resolution = (typeof RESOLUTIONS)[number];
export const OUTPUT_FORMATS = ['mp4', 'mov'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface ModelRules {
  /** The row's name (`seedance-2.0`, …), also what `SEEDANCE_MODELS=<id>=<row>` names. */
  row: ModelRow;
  label: string;
  resolutions: readonly Resolution[];
  minDurationSeconds: number;
  maxDurationSeconds: number;
  /** Images of any role (first/last frame or references). */
  maxImages: number;
  maxVideos: number;
  maxAudios: number;
  /** Total seconds of reference videos, and of reference audios (when the caller declares them). */
  maxVideoSeconds: number;
  maxAudioSeconds: number;
  /** Reference audio without any image or video. */
  audioOnly: boolean;
  outputFormats: readonly OutputFormat[];
}

const SEEDANCE_2_0: Omit<ModelRules, 'row' | 'label'> = {
  resolutions: ['480p', '720p', '1080p', '4k'],
  minDurationSeconds: 4,
  maxDurationSeconds: 15,
  maxImages: 9,
  maxVideos: 3,
  maxAudios: 3,
  maxVideoSeconds: 15,
  maxAudioSeconds: 15,
  audioOnly: false,
  outputFormats: ['mp4'],
};

export const MODEL_TABLE = {
  'seedance-2.0': { row: 'seedance-2.0', label: 'Seedance 2.0', ...SEEDANCE_2_0 },
  'seedance-2.0-fast': {
    row: 'seedance-2.0-fast',
    label: 'Seedance 2.0 fast',
    ...SEEDANCE_2_0,
    resolutions: ['480p', '720p'],
  },
  'seedance-2.0-mini': {
    row: 'seedance-2.0-mini',
    label: 'Seedance 2.0 mini',
    ...SEEDANCE_2_0,
    resolutions: ['480p', '720p'],
  },
  // Reference totals of 2.5 are not published: 30 s each, its longest output, is a guess (UPSTREAM.md).
  'seedance-2.5': {
    row: 'seedance-2.5',
    label: 'Seedance 2.5',
    resolutions: ['480p', '720p', '1080p'],
    minDurationSeconds: 4,
    maxDurationSeconds: 30,
    maxImages: 30,
    maxVideos: 10,
    maxAudios: 10,
    maxVideoSeconds: 30,
    maxAudioSeconds: 30,
    audioOnly: true,
    outputFormats: ['mp4', 'mov'],
  },
} as const satisfies Record<string, Omit<ModelRules, 'row'> & { row: string }>;

export type ModelRow = keyof typeof MODEL_TABLE;
export const MODEL_ROWS = Object.keys(MODEL_TABLE) as ModelRow[];

/** The published model IDs (Volcengine spelling); `dreamina-` twins are derived. */
export const KNOWN_MODEL_IDS: Readonly<Record<string, ModelRow>> = {
  'doubao-seedance-2-0-260128': 'seedance-2.0',
  'doubao-seedance-2-0-fast-260128': 'seedance-2.0-fast',
  'doubao-seedance-2-0-mini-260615': 'seedance-2.0-mini',
  'doubao-seedance-2-5-260628': 'seedance-2.5',
};

export const isModelRow = (v: string): v is ModelRow => Object.hasOwn(MODEL_TABLE, v);

/** The row of a published ID, in either spelling (`doubao-…` or BytePlus `dreamina-…`). */
export function knownRowOf(modelId: string): ModelRow | undefined {
  const id = modelId.replace(/^dreamina-/, 'doubao-');
  return Object.hasOwn(KNOWN_MODEL_IDS, id) ? KNOWN_MODEL_IDS[id] : undefined;
}

/** A model the deployment lets callers pick, and the row of rules it follows. */
export interface ModelChoice {
  id: string;
  row: ModelRow;
}

/**
 * The models of a deployment: the default (SEEDANCE_MODEL) first, then the others. Without a
 * SEEDANCE_MODELS setting, every published ID in both spellings is allowed.
 */
export class ModelCatalog {
  private readonly byId: Map<string, ModelRow>;

  constructor(
    readonly defaultModel: string,
    choices: readonly ModelChoice[],
  ) {
    this.byId = new Map(choices.map((c) => [c.id, c.row]));
    if (!this.byId.has(defaultModel)) {
      const row = knownRowOf(defaultModel);
      if (!row)
        throw new Error(
          `the default model ${defaultModel} has no row in the model table: list it in SEEDANCE_MODELS as ${defaultModel}=<${MODEL_ROWS.join('|')}>`,
        );
      this.byId = new Map([[defaultModel, row], ...this.byId]);
    }
  }

  /** Every published ID (both spellings) with the default first. */
  static standard(defaultModel = 'doubao-seedance-2-0-260128'): ModelCatalog {
    const ids = Object.keys(KNOWN_MODEL_IDS).flatMap((id) => [id, id.replace(/^doubao-/, 'dreamina-')]);
    return new ModelCatalog(
      defaultModel,
      ids.map((id) => ({ id, row: knownRowOf(id) as ModelRow })),
    );
  }

  ids(): string[] {
    return [...this.byId.keys()];
  }

  rowOf(modelId: string): ModelRow | undefined {
    return this.byId.get(modelId);
  }

  rulesOf(modelId: string): ModelRules | undefined {
    const row = this.rowOf(modelId);
    return row ? MODEL_TABLE[row] : undefined;
  }
}

/**
 * Parses SEEDANCE_MODELS: comma-separated `id` (a published ID, either spelling) or `id=row` (any ID,
 * e.g. a gateway alias or an endpoint `ep-…`, following a row of the table). Throws on an unknown row
 * or an unknown ID without a row, naming it.
 */
export function parseModelList(raw: string): ModelChoice[] {
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((entry) => {
      const [id = '', row] = entry.split('=').map((s) => s.trim());
      if (!/^[A-Za-z0-9._-]{1,100}$/.test(id)) throw new Error(`"${id}" is not a model ID`);
      if (row !== undefined) {
        if (!isModelRow(row))
          throw new Error(`${id}=${row}: the row must be one of ${MODEL_ROWS.join(', ')}`);
        return { id, row };
      }
      const known = knownRowOf(id);
      if (!known) throw new Error(`${id} is not a published model ID: write ${id}=<${MODEL_ROWS.join('|')}>`);
      return { id, row: known };
    });
}
