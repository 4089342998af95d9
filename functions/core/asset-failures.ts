/**
 * Why upstream failed an asset (GetAsset `Error.Code` once `Status` is `Failed`) and what the person who
 * uploaded it should do. The codes are those of UPSTREAM.md §1 (seen live and in gateway docs that
 * mirror the vendor's table); a code not listed still gets a sentence that names it and says what to try.
 * The Input*SensitiveContentDetected family also answers video creation, so the video client uses it too.
 */

const IMAGE_FORMATS = 'JPEG, PNG, WebP, BMP, TIFF, GIF or HEIC';

const ASSET_FAILURE_HINTS: Readonly<Record<string, string>> = {
  DownloadFailed:
    'Upstream could not download the file from its presigned link (it was already retried once with a fresh link): upload it again; if it keeps failing, check that the bucket is reachable from the internet.',
  TypeMismatch: `The file's content is not of the declared type (for instance a video sent as an image): upload an image file (${IMAGE_FORMATS}).`,
  FormatUnsupported: `This file format is not accepted: convert it (images: ${IMAGE_FORMATS}; videos: MP4 or MOV; audio: WAV or MP3) and upload it again.`,
  FormatUndetectable:
    'The file is damaged or not a real media file: export it again (for instance re-save it as PNG or JPEG) and upload it again.',
  WidthTooSmall: 'The image is too narrow: each side needs at least 300 px. Upload a larger image.',
  HeightTooSmall: 'The image is too short: each side needs at least 300 px. Upload a larger image.',
  WidthTooLarge:
    'The image is too wide: each side may have at most 6000 px. Scale it down and upload it again.',
  HeightTooLarge:
    'The image is too tall: each side may have at most 6000 px. Scale it down and upload it again.',
  AspectRatioTooSmall:
    'The image is too tall for its width: width ÷ height must be at least 0.4. Crop it (for instance to 3:4) and upload it again.',
  AspectRatioTooLarge:
    'The image is too wide for its height: width ÷ height must be at most 2.5. Crop it (for instance to 16:9) and upload it again.',
  FileSizeTooLarge:
    'The file is too large (images under 30 MB, videos and audio within the account limits): compress it and upload it again.',
  ContentRestricted: 'Upstream moderation does not allow this content: pick another image.',
  InputImageSensitiveContentDetected: 'Upstream moderation flagged the image: pick another image.',
  InputVideoSensitiveContentDetected: 'Upstream moderation flagged the video: pick another clip.',
  InputAudioSensitiveContentDetected: 'Upstream moderation flagged the audio: pick another recording.',
  InputTextSensitiveContentDetected: 'Upstream moderation flagged the text (name or prompt): reword it.',
  FaceMismatch:
    'The face does not match the person verified for this LivenessFace group: upload a photo of that same person, or run the liveness check again for a new person.',
  DurationTooShort: 'The clip is too short (at least 2 s): upload a longer one.',
  DurationTooLong: 'The clip is too long for this account (15–30 s at most): trim it and upload it again.',
  PixelCountTooSmall:
    'The video resolution is too low (at least 407,696 pixels per frame, about 640×640): upload a sharper version.',
  PixelCountTooLarge:
    'The video resolution is too high (at most 8,295,044 pixels per frame, about 4K): scale it down and upload it again.',
  FpsTooLow: 'The frame rate is too low (24–60 fps): re-encode the clip and upload it again.',
  FpsTooHigh: 'The frame rate is too high (24–60 fps): re-encode the clip and upload it again.',
  AudioTrackRequired: 'The clip needs an audio track: upload a version with sound.',
  AudioTrackForbidden: 'The clip may not carry an audio track here: remove the audio and upload it again.',
  TranscodingFailed:
    'Upstream could not convert the file: re-encode it (H.264 MP4 for video; re-save images as PNG or JPEG) and upload it again.',
  ModerationServiceErrorUploadFailed:
    "Upstream's moderation service failed (not the file's fault): upload the same file again in a few minutes.",
  InternalError:
    "Upstream failed internally (not the file's fault): upload the same file again; if it keeps failing, contact Volcengine support with the asset ID.",
  SubscriptionRequired:
    "The account has no asset-library entitlement package: ask the account's owner to subscribe in the Volcengine console, then upload again.",
};

/** What the `.PolicyViolation` / `.PrivacyInformation` suffixes of the moderation codes add. */
const MODERATION_SUFFIX_HINTS: Readonly<Record<string, string>> = {
  PolicyViolation:
    'It may infringe copyright (a known character, brand or artwork): use original material instead.',
  PrivacyInformation:
    'It shows a real person: use an AI-generated character, or put the person through the liveness check (a LivenessFace group) first.',
};

/** Every failure code that has a hint of its own. */
export const ASSET_FAILURE_CODES: readonly string[] = Object.keys(ASSET_FAILURE_HINTS);

/** The specific hint for a code (suffixes included), or undefined when the code is not known. */
export function knownAssetFailureHint(code: string): string | undefined {
  const [base = '', ...rest] = code.split('.');
  if (!Object.hasOwn(ASSET_FAILURE_HINTS, base)) return undefined;
  const hint = ASSET_FAILURE_HINTS[base];
  const suffix = rest.join('.');
  const extra =
    suffix && Object.hasOwn(MODERATION_SUFFIX_HINTS, suffix) ? MODERATION_SUFFIX_HINTS[suffix] : '';
  return extra ? `${hint} ${extra}` : hint;
}

/** A hint for any failure code: the specific one, else a sentence that names the code and what to try. */
export function assetFailureHint(code: string): string {
  const known = knownAssetFailureHint(code);
  if (known) return known;
  const named = code && code !== 'Unknown' ? `with code ${code}` : 'without giving a reason';
  return `Upstream refused the file ${named}: check it against the upload rules (${IMAGE_FORMATS}; sides 300–6000 px; width ÷ height 0.4–2.5; under 30 MB) and upload it again; if it keeps failing, contact support with the asset ID and this code.`;
}
