/**
 * Failure codes a CreateAsset can settle with (UPSTREAM.md §1 "Failure codes", seen live and in gateway
 * docs that mirror the official table) and a message in the vendor's manner for each. The messages are
 * ours: the vendor's exact wording is not published. Moderation codes take the suffixes
 * `.PolicyViolation` (copyright) and `.PrivacyInformation` (a real person).
 */
export const ASSET_FAILURE_MESSAGES: Readonly<Record<string, string>> = Object.freeze({
  DownloadFailed: 'Failed to download the file from the URL: it is unreachable, expired or not public.',
  TypeMismatch: 'The file type does not match the AssetType of the request.',
  FormatUnsupported: 'The file format is not supported for this asset type.',
  FormatUndetectable: 'The file format could not be detected; the file may be damaged.',
  WidthTooSmall: 'The image width is below the minimum of 300 px.',
  HeightTooSmall: 'The image height is below the minimum of 300 px.',
  WidthTooLarge: 'The image width is above the maximum of 6000 px.',
  HeightTooLarge: 'The image height is above the maximum of 6000 px.',
  AspectRatioTooSmall: 'The aspect ratio (width / height) is below the minimum of 0.4.',
  AspectRatioTooLarge: 'The aspect ratio (width / height) is above the maximum of 2.5.',
  FileSizeTooLarge: 'The file is larger than the size limit of its asset type.',
  PixelCountTooSmall: 'The total pixel count of the video is below the minimum of 407,696.',
  PixelCountTooLarge: 'The total pixel count of the video is above the maximum of 8,295,044.',
  DurationTooShort: 'The media is shorter than the minimum duration of 2 s.',
  DurationTooLong: 'The media is longer than the maximum duration allowed for its type.',
  FpsTooLow: 'The video frame rate is below the minimum of 24 fps.',
  FpsTooHigh: 'The video frame rate is above the maximum of 60 fps.',
  AudioTrackRequired: 'The video must contain an audio track.',
  AudioTrackForbidden: 'The video must not contain an audio track.',
  ContentRestricted: 'The content is restricted and cannot be used as an asset.',
  InputImageSensitiveContentDetected: 'The input image may contain sensitive content.',
  InputTextSensitiveContentDetected: 'The input text may contain sensitive content.',
  InputVideoSensitiveContentDetected: 'The input video may contain sensitive content.',
  InputAudioSensitiveContentDetected: 'The input audio may contain sensitive content.',
  FaceMismatch: 'The face in the file does not match the verified person of this LivenessFace group.',
  TranscodingFailed: 'The file could not be transcoded.',
  ModerationServiceErrorUploadFailed: 'The file could not be submitted to content moderation.',
  InternalError: 'An internal error occurred while processing the asset.',
  SubscriptionRequired: 'The asset library entitlement package is not activated for this account.',
});

const SUFFIXES: Readonly<Record<string, string>> = Object.freeze({
  PolicyViolation: 'It may infringe copyright.',
  PrivacyInformation: 'It may show a real person.',
});

/** The message an asset failed with `code` carries; an unknown code still gets a readable one. */
export function assetFailureMessage(code: string): string {
  const [base = code, suffix] = code.split('.', 2);
  const known = ASSET_FAILURE_MESSAGES[base];
  if (!known) return `The asset could not be processed (${code}).`;
  const extra = suffix === undefined ? undefined : SUFFIXES[suffix];
  return extra ? `${known} ${extra}` : known;
}
