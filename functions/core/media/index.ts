export { planMp3, planWav, type AudioFacts } from './audio-headers';
export { parseMoov, planMovie, type MovieFacts, type MovieTrack } from './iso-bmff';
export {
  MEDIA_INSPECT_DEFAULTS,
  inspectMedia,
  type MediaInspectOptions,
  type MediaInspection,
} from './inspect';
export {
  MEDIA_LIMIT_SETS,
  MEDIA_RULES,
  judgeDuration,
  judgeMediaSize,
  judgeVideo,
  type AudioRules,
  type AudioTrackRule,
  type MediaKind,
  type MediaLimitSet,
  type MediaRejectionCode,
  type MediaRules,
  type MediaVerdict,
  type VideoRules,
} from './rules';
export { CONTAINER_MIME, sniffMedia, type MediaContainer } from './sniff';
