/**
 * Inspects a video or audio upload in storage without downloading it, through the same range reader as
 * images: the size against the kind's limit first (no read at all for a 250 MB file), one head read
 * (128 KiB), magic bytes for the container, then at most one more read in the usual cases — the `moov`
 * box of an MP4 that keeps it after `mdat`, or the first MP3 frame after a large ID3 tag. Reads are
 * capped (`maxReads`) for files whose layout is unusual (many top-level boxes past the head).
 */
import { RecordedReads, type ByteRange } from '../image/byte-chunks';
import type { RangeReader } from '../image/inspect';
import { planMp3, planWav, type AudioFacts, type AudioPlan } from './audio-headers';
import { planMovie, type MovieFacts, type MoviePlan } from './iso-bmff';
import {
  MEDIA_RULES,
  judgeDuration,
  judgeMediaSize,
  judgeVideo,
  rejectMedia,
  type MediaKind,
  type MediaRules,
  type MediaVerdict,
} from './rules';
import { CONTAINER_KIND, CONTAINER_LABEL, CONTAINER_MIME, sniffMedia, type MediaContainer } from './sniff';

export interface MediaInspectOptions {
  rules?: MediaRules;
  headBytes?: number;
  followUpBytes?: number;
  maxReads?: number;
  maxMoovBytes?: number;
  /** Past `mdat`, the rest of the file is read in one go when no larger than this (else box by box). */
  tailBytes?: number;
}

export const MEDIA_INSPECT_DEFAULTS = {
  headBytes: 128 * 1024,
  followUpBytes: 64 * 1024,
  maxReads: 6,
  maxMoovBytes: 16 * 1024 * 1024,
  tailBytes: 1024 * 1024,
} as const;

export interface MediaInspection {
  kind: MediaKind;
  size: number;
  container?: MediaContainer;
  mime?: string;
  durationSeconds?: number;
  width?: number;
  height?: number;
  fps?: number;
  hasAudio?: boolean;
  codec?: string;
  verdict: MediaVerdict;
  bytesRead: number;
  reads: ByteRange[];
}

const round = (n: number, digits = 3) => Number(n.toFixed(digits));

function judgeMovie(movie: MovieFacts, container: MediaContainer, rules: MediaRules) {
  const label = container === 'mov' ? 'QuickTime file' : 'MP4';
  const video = movie.tracks.find((t) => t.handler === 'vide');
  const hasAudio = movie.tracks.some((t) => t.handler === 'soun');
  if (!video)
    return {
      verdict: rejectMedia(
        'TypeMismatch',
        `the ${label} has no video track${hasAudio ? ' (it holds only audio)' : ''}, so it is not a video`,
      ),
      facts: { durationSeconds: round(movie.durationSeconds), hasAudio },
    };
  const facts = {
    durationSeconds: round(movie.durationSeconds),
    ...(video.width !== undefined ? { width: video.width, height: video.height } : {}),
    ...(video.rate !== undefined ? { fps: round(video.rate) } : {}),
    hasAudio,
    ...(video.codec ? { codec: video.codec } : {}),
  };
  if (video.width === undefined || video.height === undefined)
    return { verdict: rejectMedia('MediaCorrupt', `the ${label}'s video track states no frame size`), facts };
  if (video.rate === undefined)
    return { verdict: rejectMedia('MediaCorrupt', `the ${label}'s video track has no sample timing`), facts };
  return {
    verdict: judgeVideo(
      {
        durationSeconds: movie.durationSeconds,
        width: video.width,
        height: video.height,
        fps: video.rate,
        hasAudio,
      },
      rules.video,
    ),
    facts,
  };
}

export async function inspectMedia(
  read: RangeReader,
  size: number,
  kind: MediaKind,
  options: MediaInspectOptions = {},
): Promise<MediaInspection> {
  const rules = options.rules ?? MEDIA_RULES;
  const opts = { ...MEDIA_INSPECT_DEFAULTS, ...options };
  const recorded = new RecordedReads(read);
  const { chunks, reads } = recorded;
  const done = (verdict: MediaVerdict, extra: Partial<MediaInspection> = {}): MediaInspection => ({
    kind,
    size,
    ...extra,
    verdict,
    bytesRead: recorded.bytesRead,
    reads,
  });

  const sizeVerdict = judgeMediaSize(size, kind, rules);
  if (!sizeVerdict.ok) return done(sizeVerdict);

  const fetchRange = (range: ByteRange) => recorded.fetch(range);
  await fetchRange({ offset: 0, length: Math.min(size, opts.headBytes) });
  const head = recorded.head(size);
  const effectiveSize = head.length < Math.min(size, opts.headBytes) ? head.length : size;

  const sniffed = sniffMedia(head);
  const wanted = kind === 'video' ? 'a video (MP4 or MOV)' : 'audio (WAV or MP3)';
  if (sniffed.kind === 'unknown')
    return done(
      rejectMedia('FormatUndetectable', `the file is not recognisable ${kind} (unknown magic bytes)`),
    );
  if (sniffed.kind === 'image')
    return done(rejectMedia('TypeMismatch', `the file is ${sniffed.label}, not ${wanted}`));
  if (sniffed.kind === 'foreign')
    return done(rejectMedia('FormatUnsupported', `the file is ${sniffed.label}, not ${wanted}`));
  const container = sniffed.container;
  const found = { container, mime: CONTAINER_MIME[container] };
  if (CONTAINER_KIND[container] !== kind)
    return done(
      rejectMedia(
        'TypeMismatch',
        `the file is ${CONTAINER_LABEL[container]}, but it was uploaded as ${kind}`,
      ),
      found,
    );

  for (;;) {
    const plan: MoviePlan | AudioPlan =
      container === 'wav'
        ? planWav(chunks, effectiveSize, opts.followUpBytes)
        : container === 'mp3'
          ? planMp3(chunks, effectiveSize, opts.followUpBytes)
          : planMovie(chunks, effectiveSize, {
              maxMoovBytes: opts.maxMoovBytes,
              tailBytes: opts.tailBytes,
            });
    if (plan.kind === 'corrupt') return done(rejectMedia('MediaCorrupt', plan.reason), found);
    if (plan.kind === 'unsupported') return done(rejectMedia('FormatUnsupported', plan.reason), found);
    if (plan.kind === 'need') {
      if (reads.length >= opts.maxReads)
        return done(
          rejectMedia('MediaCorrupt', `the ${kind} header is not within ${opts.maxReads} reads`),
          found,
        );
      await fetchRange(plan.range);
      continue;
    }
    if ('movie' in plan) {
      const { verdict, facts } = judgeMovie(plan.movie, container, rules);
      return done(verdict, { ...found, ...facts });
    }
    const audio: AudioFacts = plan.audio;
    return done(judgeDuration(audio.durationSeconds, rules.audio), {
      ...found,
      durationSeconds: round(audio.durationSeconds),
      codec: audio.codec,
    });
  }
}
