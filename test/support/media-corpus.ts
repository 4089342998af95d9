/**
 * The media corpus of issue 16: valid and bad videos and audio, each with the verdict and reason our
 * ingest must give and the code the simulator (upstream) must fail with. Built in memory by
 * media-files.ts; the 200 MB and 250 MB files are virtual (their `mdat` is synthesised on read).
 */
import type { MediaKind } from '../../functions/core/media';
import { movie, mp3Cbr, mp3Vbr, wav, type VirtualFile } from './media-files';

const MB = 1024 * 1024;

export interface MediaCase {
  name: string;
  /** What the upload was declared as. */
  kind: MediaKind;
  file: () => VirtualFile;
  /** Our verdict: accepted, or the code and a pattern of the human reason. */
  expect: { ok: true } | { ok: false; code: string; reason: RegExp };
  /** The simulator's failure code, when it differs from ours or is the only check (undefined = same as ours). */
  simCode?: string;
  /** Facts our inspection must report (and the oracle library must agree with). */
  facts?: { durationSeconds?: number; width?: number; height?: number; fps?: number; hasAudio?: boolean };
  /** Too large to hand the simulator or an oracle in memory. */
  large?: boolean;
}

const ok = { ok: true } as const;
const bad = (code: string, reason: RegExp) => ({ ok: false as const, code, reason });

export const MEDIA_CORPUS: MediaCase[] = [
  {
    name: 'mp4, moov first, with sound',
    kind: 'video',
    file: () => movie({ seconds: 5, audio: true }),
    expect: ok,
    facts: { durationSeconds: 5, width: 1280, height: 720, fps: 30, hasAudio: true },
  },
  {
    name: 'mp4, moov last (after mdat)',
    kind: 'video',
    file: () => movie({ seconds: 8, moov: 'last', width: 1920, height: 1080, timescale: 24_000 }),
    expect: ok,
    facts: { durationSeconds: 8, width: 1920, height: 1080, fps: 24, hasAudio: false },
  },
  {
    name: 'mov (QuickTime brand), 29.97 fps, moov last',
    kind: 'video',
    file: () =>
      movie({ brand: 'qt  ', seconds: 10, moov: 'last', timescale: 30_000, delta: 1001, audio: true }),
    expect: ok,
    facts: { durationSeconds: 10, width: 1280, height: 720, fps: 29.97, hasAudio: true },
  },
  {
    name: '4K mp4 at 60 fps (pixel count just under the limit)',
    kind: 'video',
    file: () => movie({ seconds: 3, width: 3840, height: 2160, timescale: 60_000 }),
    expect: ok,
    facts: { width: 3840, height: 2160, fps: 60 },
  },
  {
    name: '200 MB mp4 with moov at the end (virtual mdat)',
    kind: 'video',
    file: () => movie({ seconds: 30, moov: 'last', audio: true, fileSize: 200 * MB }),
    expect: ok,
    facts: { durationSeconds: 30, fps: 30, hasAudio: true },
    large: true,
  },
  {
    name: 'wav, 16-bit stereo PCM with a LIST chunk',
    kind: 'audio',
    file: () => wav({ seconds: 3, listChunk: true }),
    expect: ok,
    facts: { durationSeconds: 3 },
  },
  {
    name: 'mp3 CBR 128 kbps with an ID3v2 tag',
    kind: 'audio',
    file: () => mp3Cbr({ seconds: 4, id3Bytes: 1000 }),
    expect: ok,
    facts: { durationSeconds: 4.008 },
  },
  {
    name: 'mp3 VBR with a Xing header',
    kind: 'audio',
    file: () => mp3Vbr({ seconds: 12 }),
    expect: ok,
    facts: { durationSeconds: 12 },
  },
  {
    name: 'mp3 behind a 200 KiB ID3v2 tag (cover art) — the first frame is past the head read',
    kind: 'audio',
    file: () => mp3Vbr({ seconds: 6, id3Bytes: 200 * 1024 }),
    expect: ok,
    facts: { durationSeconds: 6 },
  },
  {
    name: '1 s mp4',
    kind: 'video',
    file: () => movie({ seconds: 1 }),
    expect: bad('DurationTooShort', /^duration 1 s is below 2 s$/),
  },
  {
    name: '31 s mp4',
    kind: 'video',
    file: () => movie({ seconds: 31, moov: 'last' }),
    expect: bad('DurationTooLong', /^duration 31 s is above 30 s$/),
  },
  {
    name: '30.2 s mp4 (just over)',
    kind: 'video',
    file: () => movie({ seconds: 30.2 }),
    expect: bad('DurationTooLong', /^duration 30\.2 s is above 30 s$/),
  },
  {
    name: '250 MB mp4 (declared size above the 200 MB limit)',
    kind: 'video',
    file: () => movie({ seconds: 10, fileSize: 250 * MB }),
    expect: bad('FileSizeTooLarge', /^file size 250 MB is above the 200 MB limit for video/),
    large: true,
  },
  {
    name: 'audio named .mp4 (WAV bytes uploaded as video)',
    kind: 'video',
    file: () => wav({ seconds: 3 }),
    expect: bad('TypeMismatch', /^the file is WAV audio, but it was uploaded as video$/),
  },
  {
    name: 'mp4 without a video track (sound only)',
    kind: 'video',
    file: () => movie({ seconds: 5, video: false, audio: true }),
    expect: bad('TypeMismatch', /^the MP4 has no video track \(it holds only audio\)/),
  },
  {
    name: '8K mp4 (7680×4320)',
    kind: 'video',
    file: () => movie({ seconds: 3, width: 7680, height: 4320 }),
    expect: bad('PixelCountTooLarge', /^pixel count 33,177,600 \(7680×4320\) is above 8,295,044$/),
  },
  {
    name: '10 fps mp4',
    kind: 'video',
    file: () => movie({ seconds: 5, timescale: 10_000 }),
    expect: bad('FpsTooLow', /^frame rate 10 fps is below 24 fps$/),
  },
  {
    name: '120 fps mp4',
    kind: 'video',
    file: () => movie({ seconds: 3, timescale: 120_000 }),
    expect: bad('FpsTooHigh', /^frame rate 120 fps is above 60 fps$/),
  },
  {
    name: '480×270 mp4 (pixel count too small)',
    kind: 'video',
    file: () => movie({ seconds: 3, width: 480, height: 270 }),
    expect: bad('PixelCountTooSmall', /^pixel count 129,600 \(480×270\) is below 407,696$/),
  },
  {
    name: '1.5 s wav',
    kind: 'audio',
    file: () => wav({ seconds: 1.5 }),
    expect: bad('DurationTooShort', /^duration 1\.5 s is below 2 s$/),
  },
  {
    name: '31 s mp3 VBR',
    kind: 'audio',
    file: () => mp3Vbr({ seconds: 31 }),
    // 1292 whole frames of 1152 samples at 48 kHz.
    expect: bad('DurationTooLong', /^duration 31\.01 s is above 30 s$/),
  },
  {
    name: 'an mp4 uploaded as audio',
    kind: 'audio',
    file: () => movie({ seconds: 5 }),
    expect: bad('TypeMismatch', /^the file is an MP4 video, but it was uploaded as audio$/),
  },
];

export const mediaCase = (name: string): MediaCase => {
  const found = MEDIA_CORPUS.find((c) => c.name === name);
  if (!found) throw new Error(`no media case ${name}`);
  return found;
};
