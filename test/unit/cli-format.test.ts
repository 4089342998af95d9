import { describe, expect, it } from 'vitest';
import {
  formatBytes,
  formatElapsed,
  formatError,
  formatReason,
  renderKeyValues,
  renderTable,
  shortDate,
} from '../../cli/format';
import { LiveStatus } from '../../cli/progress';
import { detectContentType } from '../../cli/uploads';
import { buildVideoBody, parseMediaRef } from '../../cli/videos';

describe('format', () => {
  it('aligns table columns and shows empty cells as -', () => {
    // Act
    const t = renderTable(
      [
        { header: 'ID', value: (r: { id: string; n?: number }) => r.id },
        { header: 'N', value: (r) => r.n },
      ],
      [{ id: 'group-1', n: 3 }, { id: 'g2' }],
    );

    // Assess
    expect(t).toBe('ID       N\ngroup-1  3\ng2       -');
  });

  it('renders key/value blocks, skipping undefined and compacting objects', () => {
    // Act
    const t = renderKeyValues({ videoId: 'v', status: 'ok', missing: undefined, usage: { total: 5 } });

    // Assess
    expect(t).toBe('videoId: v\nstatus:  ok\nusage:   {"total":5}');
  });

  it.each([
    [0, '0.0s'],
    [4_249, '4.2s'],
    [65_000, '1m 05s'],
    [3_725_000, '1h 02m'],
  ])('formats %i ms as %s', (ms, text) => {
    // Act / Assess
    expect(formatElapsed(ms)).toBe(text);
  });

  it.each([
    [512, '512 B'],
    [8_412, '8.2 KB'],
    [1_572_864, '1.5 MB'],
    [300 * 1024 * 1024, '300 MB'],
  ])('formats %i bytes as %s', (n, text) => {
    // Act / Assess
    expect(formatBytes(n)).toBe(text);
  });

  it('prints code, message, hint and request ID on failure', () => {
    // Act
    const t = formatError({
      code: 'UpstreamThrottled',
      message: 'slow down',
      hint: 'retry later',
      requestId: 'r-1',
    });

    // Assess
    expect(t).toBe('Error: UpstreamThrottled: slow down\nHint: retry later\nRequest ID: r-1');
  });

  it('lists the reasons of a rejection', () => {
    // Act / Assess
    expect(
      formatReason({
        code: 'ImageRejected',
        message: 'bad',
        details: { reasons: ['too small', { message: 'too wide' }] },
      }),
    ).toBe('ImageRejected: bad (too small; too wide)');
    expect(formatReason(undefined)).toBe('no reason given');
    expect(shortDate('2026-04-21T12:00:00.000Z')).toBe('2026-04-21 12:00:00Z');
  });
});

describe('LiveStatus', () => {
  it('writes a line per change when not on a terminal', () => {
    // Prepare
    let t = 0;
    const out = { text: '', write: (s: string) => (out.text += s) };
    const live = new LiveStatus(out, 'vid-1', () => t);

    // Act
    live.update('queued');
    t = 1500;
    live.update('queued');
    t = 65_000;
    live.update('running');
    live.stop();

    // Assess
    expect(out.text).toBe('vid-1  queued  0.0s\nvid-1  running  1m 05s\n');
  });

  it('rewrites one line on a terminal and ends it on stop', () => {
    // Prepare
    let t = 0;
    const out = { text: '', isTTY: true, write: (s: string) => (out.text += s) };
    const live = new LiveStatus(out, 'vid-1', () => t);

    // Act
    live.update('queued');
    t = 2000;
    live.update('running');
    live.stop();

    // Assess
    expect(out.text).toBe(
      '\r\x1b[2Kvid-1  queued  0.0s\r\x1b[2Kvid-1  running  2.0s\r\x1b[2Kvid-1  running  2.0s\n',
    );
  });
});

describe('detectContentType', () => {
  const bytes = (...parts: (string | number[])[]) =>
    new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...Buffer.from(p, 'latin1')] : p)));

  it.each([
    [bytes([0x89], 'PNG\r\n'), 'x.jpg', 'image/png'],
    [bytes([0xff, 0xd8, 0xff, 0xe0]), 'x', 'image/jpeg'],
    [bytes('GIF89a'), 'x', 'image/gif'],
    [bytes('RIFF', [0, 0, 0, 0], 'WEBPVP8 '), 'x', 'image/webp'],
    [bytes('BM', [0, 0]), 'x', 'image/bmp'],
    [bytes('II*\0'), 'x', 'image/tiff'],
    [bytes('MM\0*'), 'x', 'image/tiff'],
    [bytes([0, 0, 0, 24], 'ftypheic'), 'x', 'image/heic'],
    [bytes([0, 0, 0, 24], 'ftypmif1'), 'x', 'image/heif'],
    [bytes([0, 0, 0, 24], 'ftypisom'), 'x.png', 'video/mp4'],
    [bytes([0, 0, 0, 20], 'ftypqt  '), 'x', 'video/quicktime'],
    [bytes('RIFF', [0, 0, 0, 0], 'WAVEfmt '), 'x.mp4', 'audio/wav'],
    [bytes('ID3', [4, 0]), 'x', 'audio/mpeg'],
    [bytes([0xff, 0xfb, 0x94, 0x40]), 'x', 'audio/mpeg'],
    [bytes('????'), 'clip.MOV', 'video/quicktime'],
    [bytes('????'), 'photo.JPEG', 'image/jpeg'],
    [bytes('????'), 'notes.txt', 'application/octet-stream'],
  ])('sniffs %# as %s', (b, name, type) => {
    // Act / Assess
    expect(detectContentType(b, name)).toBe(type);
  });
});

describe('video request building', () => {
  it('maps references, frames and flags, leaving defaults to the API', () => {
    // Act
    const body = buildVideoBody({
      prompt: 'Image 1 walks',
      ref: ['asset://asset-1', 'https://example.com/b.png'],
      lastFrame: 'asset-3',
      seed: 7,
      audio: true,
      watermark: true,
      returnLastFrame: true,
    });

    // Assess
    expect(body).toEqual({
      prompt: 'Image 1 walks',
      references: [{ assetId: 'asset-1' }, { url: 'https://example.com/b.png' }],
      lastFrame: { assetId: 'asset-3' },
      seed: 7,
      watermark: true,
      returnLastFrame: true,
    });
    expect(parseMediaRef(' HTTP://x/y ')).toEqual({ url: 'HTTP://x/y' });
  });
});
