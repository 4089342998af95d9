export * from './assets';
export * from './cancel-task';
export * from './content';
export * from './find-task';
export * from './groups';
export * from './fingerprint';
export {
  IDEMPOTENCY_KEY,
  VIDEO_ID_PATTERN,
  base32,
  idempotencyScope,
  isVideoId,
  newVideoId,
  videoIdFromKey,
} from '../ids';
export * from './job';
export * from './models';
export * from './rules';
export * from './safety-identifier';
export * from './status';
export * from './view';
export * from './start';
export * from './cancel';
export * from './progress';
export * from './poll';
