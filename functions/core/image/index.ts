export { ByteChunks, type ByteRange } from './byte-chunks';
export { IMAGE_FORMATS, formatLabel, type ImageFormat } from './formats';
export { planHeader, type HeaderPlan, type PlanOptions } from './header-plan';
export {
  INSPECT_DEFAULTS,
  inspectImage,
  type InspectOptions,
  type Inspection,
  type RangeReader,
} from './inspect';
export {
  ACCEPTED,
  IMAGE_RULES,
  formatRatio,
  judgeDimensions,
  judgeSize,
  type ImageRules,
  type RejectionCode,
  type Verdict,
} from './rules';
export { sniff, type SniffResult } from './sniff';
