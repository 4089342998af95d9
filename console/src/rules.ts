/**
 * The request rules as the user types: the API's own schema (functions/core/api-schemas/videos.ts) and
 * rules module (functions/core/video/rules.ts), bundled into the page, so the console and POST /videos
 * can never disagree about what is valid.
 */
import {
  createVideoBody,
  VIDEO_RATIOS,
  VIDEO_RESOLUTIONS,
  type CreateVideoBody,
} from '../../functions/core/api-schemas/videos';
import { checkVideoRules, VideoRuleError } from '../../functions/core/video/rules';

export { VIDEO_RATIOS, VIDEO_RESOLUTIONS };
export type { CreateVideoBody };

export type RuleCheck =
  { ok: true; body: CreateVideoBody } | { ok: false; code: string; field?: string; message: string };

/** The first problem of a request, in the order the API reports them (schema, then rules). */
export function checkRequest(body: unknown, model: string): RuleCheck {
  const parsed = createVideoBody.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') ?? '';
    return {
      ok: false,
      code: 'ValidationError',
      field,
      message: `${field || 'request'}: ${issue?.message ?? 'is not valid'}`,
    };
  }
  try {
    checkVideoRules(parsed.data, model);
    return { ok: true, body: parsed.data };
  } catch (e) {
    if (e instanceof VideoRuleError) return { ok: false, code: e.code, message: e.message };
    throw e;
  }
}

/** Durations the schema accepts, probed from it rather than restated (-1 lets the model choose). */
export const DURATIONS: number[] = [-1, ...Array.from({ length: 30 }, (_, i) => i + 1)].filter(
  (d) => createVideoBody.shape.duration.safeParse(d).success,
);

/**
 * Whether the model can take this option, asked of the rules module with an otherwise valid request,
 * so the pickers follow the model table wherever the rules keep it.
 */
export function optionAllowed(model: string, option: Partial<CreateVideoBody>): boolean {
  return checkRequest({ prompt: 'a calm scene', ...option, model }, model).ok;
}
