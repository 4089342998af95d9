/**
 * The simulator's own video/audio checks (local/upstream-sim/volc/media-check.ts: mp4box and
 * music-metadata over the whole downloaded file) on the media corpus: the same verdicts as our ranged
 * ingest, with the vendor's failure codes, reached by different code.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { inspectMedia } from '../../functions/core/media';
import { checkMedia, maxBytesFor } from '../../local/upstream-sim/volc/media-check';
import { download } from '../../local/upstream-sim/volc/downloader';
import { MEDIA_CORPUS } from '../support/media-corpus';

const MB = 1024 * 1024;
const assetType = (kind: 'video' | 'audio') => (kind === 'video' ? 'Video' : 'Audio');

describe('simulator media checks on the corpus', () => {
  it.each(MEDIA_CORPUS.filter((c) => !c.large).map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const check = await checkMedia(assetType(c.kind), c.file().bytes());
    if (c.expect.ok) expect(check).toMatchObject({ ok: true });
    else expect(check).toMatchObject({ ok: false, code: c.simCode ?? c.expect.code });
  });

  it('fails a really encoded 320×240 sample with PixelCountTooSmall, as our ingest does', async () => {
    const bytes = readFileSync(new URL('../fixtures/sim/sample.mp4', import.meta.url));
    const sim = await checkMedia('Video', bytes);
    const ours = await inspectMedia(async (o, l) => bytes.subarray(o, o + l), bytes.length, 'video');
    expect(sim).toMatchObject({ ok: false, code: 'PixelCountTooSmall' });
    expect(ours).toMatchObject({ durationSeconds: 2, width: 320, height: 240, fps: 24, hasAudio: true });
    expect(ours.verdict).toMatchObject({ code: 'PixelCountTooSmall' });
  });

  it('caps downloads at 200 MB for videos and 15 MB for audio, failing FileSizeTooLarge before reading', async () => {
    expect(maxBytesFor('Video')).toBe(200 * MB);
    expect(maxBytesFor('Audio')).toBe(15 * MB);
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': 250 * MB });
      res.write(Buffer.alloc(1024));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as AddressInfo).port;
      const result = await download(`http://127.0.0.1:${port}/big.mp4`, 'Video', 5_000);
      expect(result).toMatchObject({ ok: false, code: 'FileSizeTooLarge' });
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
