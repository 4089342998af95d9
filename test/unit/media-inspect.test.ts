/**
 * The media corpus through our ranged inspection (functions/core/media): each file gets its verdict and
 * human reason within at most 2 ranged reads, and every figure we read agrees with an independent
 * parser on the same bytes — mp4box (GPAC's box parser) for MP4/MOV, music-metadata for WAV/MP3.
 */
import * as MP4Box from 'mp4box';
import { parseBuffer } from 'music-metadata';
import { describe, expect, it } from 'vitest';
import { inspectMedia, MEDIA_LIMIT_SETS } from '../../functions/core/media';
import { countingReader, movie } from '../support/media-files';
import { MEDIA_CORPUS, mediaCase } from '../support/media-corpus';

const MB = 1024 * 1024;

interface Mp4Facts {
  durationSeconds: number;
  video?: { width: number; height: number; fps: number };
  hasAudio: boolean;
}

function mp4boxFacts(bytes: Buffer): Mp4Facts {
  const file = MP4Box.createFile();
  let facts: Mp4Facts | undefined;
  file.onReady = (info) => {
    const v = info.videoTracks[0];
    facts = {
      durationSeconds: info.duration / info.timescale,
      ...(v
        ? {
            video: {
              width: v.video?.width ?? 0,
              height: v.video?.height ?? 0,
              fps: v.nb_samples / (v.samples_duration / v.timescale),
            },
          }
        : {}),
      hasAudio: info.audioTracks.length > 0,
    };
  };
  const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer & {
    fileStart: number;
  };
  ab.fileStart = 0;
  file.appendBuffer(ab as unknown as MP4Box.MP4BoxBuffer);
  file.flush();
  if (!facts) throw new Error('mp4box found no movie');
  return facts;
}

describe('media corpus: verdicts, reasons and read counts', () => {
  it.each(MEDIA_CORPUS.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const file = c.file();
    const { read, stats } = countingReader(file);
    const result = await inspectMedia(read, file.size, c.kind);
    if (c.expect.ok) expect(result.verdict).toEqual({ ok: true });
    else {
      expect(result.verdict).toMatchObject({ ok: false, code: c.expect.code });
      expect(result.verdict.ok ? '' : result.verdict.message).toMatch(c.expect.reason);
    }
    expect(stats.reads).toBeLessThanOrEqual(2);
    expect(result.reads).toHaveLength(stats.reads);
    if (c.facts) expect(result).toMatchObject(c.facts);
  });

  it('reads under 0.5% of a 200 MB mp4 whose moov sits at the end, in 2 ranged reads', async () => {
    const file = mediaCase('200 MB mp4 with moov at the end (virtual mdat)').file();
    const { read, stats } = countingReader(file);
    const result = await inspectMedia(read, file.size, 'video');
    expect(result.verdict.ok).toBe(true);
    expect(file.size).toBe(200 * MB);
    expect(stats.reads).toBe(2);
    expect(stats.bytes / file.size).toBeLessThan(0.005);
    // The second read starts where the top-level box sizes say moov begins, not at a guessed tail.
    expect(result.reads[1]?.offset).toBeGreaterThan(199 * MB);
  });

  it('judges a 250 MB file by its size alone, without reading it', async () => {
    const file = mediaCase('250 MB mp4 (declared size above the 200 MB limit)').file();
    const { read, stats } = countingReader(file);
    await inspectMedia(read, file.size, 'video');
    expect(stats.reads).toBe(0);
  });

  it('an mp4 with moov first is judged from the head read alone', async () => {
    const file = mediaCase('mp4, moov first, with sound').file();
    const { read, stats } = countingReader(file);
    await inspectMedia(read, file.size, 'video');
    expect(stats.reads).toBe(1);
  });

  it('takes the 2026-03 preview limits when given them (15 s, 720p)', async () => {
    const preview = MEDIA_LIMIT_SETS['2026-03'];
    const long = movie({ seconds: 20 });
    const hd = movie({ seconds: 5, width: 1920, height: 1080 });
    const a = await inspectMedia(long.read, long.size, 'video', { rules: preview });
    const b = await inspectMedia(hd.read, hd.size, 'video', { rules: preview });
    expect(a.verdict).toMatchObject({ code: 'DurationTooLong', message: 'duration 20 s is above 15 s' });
    expect(b.verdict).toMatchObject({ code: 'PixelCountTooLarge' });
  });

  it('refuses a video without sound when an audio track is required', async () => {
    const rules = {
      ...MEDIA_LIMIT_SETS['2026-09'],
      video: { ...MEDIA_LIMIT_SETS['2026-09'].video, audioTrack: 'required' as const },
    };
    const silent = movie({ seconds: 5 });
    const voiced = movie({ seconds: 5, audio: true });
    expect((await inspectMedia(silent.read, silent.size, 'video', { rules })).verdict).toMatchObject({
      code: 'AudioTrackRequired',
    });
    expect((await inspectMedia(voiced.read, voiced.size, 'video', { rules })).verdict.ok).toBe(true);
  });
});

describe('media corpus: our figures agree with independent parsers', () => {
  const small = MEDIA_CORPUS.filter((c) => !c.large && c.expect.ok);

  it.each(small.filter((c) => c.kind === 'video').map((c) => [c.name, c] as const))(
    'mp4box reads the same movie: %s',
    async (_name, c) => {
      const file = c.file();
      const ours = await inspectMedia(file.read, file.size, 'video');
      const oracle = mp4boxFacts(file.bytes());
      expect(ours.durationSeconds).toBeCloseTo(oracle.durationSeconds, 2);
      expect(ours.width).toBe(oracle.video?.width);
      expect(ours.height).toBe(oracle.video?.height);
      expect(ours.fps).toBeCloseTo(oracle.video?.fps ?? 0, 2);
      expect(ours.hasAudio).toBe(oracle.hasAudio);
    },
  );

  it.each(small.filter((c) => c.kind === 'audio').map((c) => [c.name, c] as const))(
    'music-metadata reads the same duration: %s',
    async (_name, c) => {
      const file = c.file();
      const ours = await inspectMedia(file.read, file.size, 'audio');
      const oracle = await parseBuffer(file.bytes(), undefined, { duration: true });
      expect(ours.durationSeconds).toBeCloseTo(oracle.format.duration ?? -1, 2);
    },
  );
});
