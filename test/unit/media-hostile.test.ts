/**
 * Damaged and hostile media through the ranged inspection: truncated files, flipped bytes in the box
 * tree, box sizes that point outside the file, fragmented MP4 and a `moov` that claims gigabytes. Every
 * one ends in a verdict (never a throw), within the read cap, and never reads more than it was asked to.
 */
import { describe, expect, it } from 'vitest';
import { inspectMedia, MEDIA_INSPECT_DEFAULTS } from '../../functions/core/media';
import {
  box,
  countingReader,
  movie,
  mp3Vbr,
  virtualFile,
  wav,
  type VirtualFile,
} from '../support/media-files';
import { prng } from '../support/prng';

const valid: Array<[string, 'video' | 'audio', () => VirtualFile]> = [
  ['mp4 moov first', 'video', () => movie({ seconds: 5, audio: true })],
  ['mp4 moov last', 'video', () => movie({ seconds: 5, moov: 'last' })],
  ['wav', 'audio', () => wav({ seconds: 3, listChunk: true })],
  ['mp3 vbr', 'audio', () => mp3Vbr({ seconds: 4 })],
];

const fromBytes = (b: Buffer) => virtualFile([b]);

describe('hostile media', () => {
  it.each(valid)('survives 40 truncations and 40 byte flips of %s with a verdict', async (_n, kind, make) => {
    const bytes = make().bytes();
    const rand = prng(bytes.length);
    const variants: Buffer[] = [];
    for (let i = 0; i < 40; i++) variants.push(bytes.subarray(0, Math.floor(rand() * bytes.length)));
    for (let i = 0; i < 40; i++) {
      const copy = Buffer.from(bytes);
      // Flip bytes in the first 2 KiB and the last 4 KiB, where the headers and boxes are.
      const at =
        rand() < 0.5
          ? Math.floor(rand() * Math.min(2048, copy.length))
          : copy.length - 1 - Math.floor(rand() * 4096);
      copy[Math.max(0, at)] = Math.floor(rand() * 256);
      variants.push(copy);
    }
    for (const v of variants) {
      const file = fromBytes(v);
      const { read, stats } = countingReader(file);
      const result = await inspectMedia(read, file.size, kind);
      expect(result.verdict).toHaveProperty('ok');
      if (!result.verdict.ok) expect(result.verdict.message.length).toBeGreaterThan(5);
      expect(stats.reads).toBeLessThanOrEqual(MEDIA_INSPECT_DEFAULTS.maxReads);
    }
  });

  it('calls an ISO file without moov, a fragmented one and a moov claiming 4 GB corrupt, reading little', async () => {
    const ftyp = box('ftyp', Buffer.from('isom\0\0\x02\0isommp41', 'latin1'));
    const noMoov = Buffer.concat([ftyp, box('mdat', Buffer.alloc(1000))]);
    const fragmented = Buffer.concat([ftyp, box('moof', Buffer.alloc(64)), box('mdat', Buffer.alloc(100))]);
    const huge = Buffer.concat([
      ftyp,
      Buffer.from([0xff, 0xff, 0xff, 0x00]),
      Buffer.from('moov', 'latin1'),
      Buffer.alloc(100),
    ]);
    const outside = Buffer.concat([
      ftyp,
      Buffer.from([0x7f, 0, 0, 0]),
      Buffer.from('mdat', 'latin1'),
      Buffer.alloc(100),
    ]);
    const expected: Array<[Buffer, RegExp]> = [
      [noMoov, /no moov box/],
      [fragmented, /fragmented/],
      [huge, /moov box is \d+ bytes long|cut short/],
      [outside, /no moov box/],
    ];
    for (const [b, reason] of expected) {
      const { read, stats } = countingReader(fromBytes(b));
      const r = await inspectMedia(read, b.length, 'video');
      expect(r.verdict).toMatchObject({
        ok: false,
        code: 'MediaCorrupt',
        message: expect.stringMatching(reason),
      });
      expect(stats.reads).toBe(1);
    }
  });

  it('refuses MPEG layer II audio as not MP3, and a WAV without a data chunk as corrupt', async () => {
    const mp2 = Buffer.alloc(4 * 417);
    for (let i = 0; i < 4; i++) mp2.set([0xff, 0xfd, 0x90, 0x00], i * 417); // MPEG-1 layer II, 128 kbps, 44.1 kHz
    const wavHead = wav({ seconds: 2 }).bytes().subarray(0, 36); // RIFF + fmt, no data
    const a = await inspectMedia(fromBytes(mp2).read, mp2.length, 'audio');
    const b = await inspectMedia(fromBytes(wavHead).read, wavHead.length, 'audio');
    expect(a.verdict).toMatchObject({
      code: 'FormatUnsupported',
      message: expect.stringMatching(/layer II is not MP3/),
    });
    expect(b.verdict).toMatchObject({
      code: 'MediaCorrupt',
      message: expect.stringMatching(/no data chunk/),
    });
  });

  it('names impostors: a PNG, a PDF and a Matroska file sent as video', async () => {
    const png = Buffer.from([
      0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82, 0, 0, 1, 0, 0, 0, 1, 0, 8,
      2, 0, 0, 0,
    ]);
    const pdf = Buffer.from('%PDF-1.7\n', 'latin1');
    const mkv = Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0, 0, 0, 0]);
    const verdicts = await Promise.all(
      [png, pdf, mkv].map((b) => inspectMedia(fromBytes(b).read, b.length, 'video')),
    );
    expect(verdicts.map((v) => v.verdict)).toEqual([
      { ok: false, code: 'TypeMismatch', message: 'the file is a PNG image, not a video (MP4 or MOV)' },
      {
        ok: false,
        code: 'FormatUnsupported',
        message: 'the file is a PDF document, not a video (MP4 or MOV)',
      },
      {
        ok: false,
        code: 'FormatUnsupported',
        message: 'the file is a Matroska/WebM video, not a video (MP4 or MOV)',
      },
    ]);
  });
});

describe('moov after mdat with more behind it', () => {
  it('reads box by box when a 4 MB free box follows moov, never the whole tail', async () => {
    const MB = 1024 * 1024;
    const clip = movie({ seconds: 5, moov: 'last', fileSize: 8 * MB });
    const tail = Buffer.alloc(8);
    tail.writeUInt32BE(4 * MB, 0);
    tail.write('free', 4, 'latin1');
    const padded = virtualFile([Buffer.from(await clip.read(0, clip.size)), tail, { zeros: 4 * MB - 8 }]);
    const { read, stats } = countingReader(padded);
    const r = await inspectMedia(read, padded.size, 'video');
    expect(r.verdict.ok).toBe(true);
    expect(stats.reads).toBe(3);
    expect(stats.bytes).toBeLessThan(256 * 1024);
  });
});
