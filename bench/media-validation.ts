/**
 * Media validation: ranged reads and bytes read per video/audio file against its size, over the media
 * corpus of the tests plus 200 MB videos in both layouts (moov first, moov after a 200 MB mdat) and a
 * 30 s 4K 60 fps one (the largest sample tables the limits allow). Bytes are synthesised by the range
 * port (test/support/media-files.ts), so no 200 MB file is written; in AWS each read is one S3 GET.
 * "largest videos" are the 200 MB ones. Run alone: `npx tsx bench/media-validation.ts`.
 */
import { pathToFileURL } from 'node:url';
import { inspectMedia } from '../functions/core/media';
import { countingReader, movie, type VirtualFile } from '../test/support/media-files';
import { MEDIA_CORPUS } from '../test/support/media-corpus';

const MB = 1024 * 1024;

interface Row {
  file: string;
  size: number;
  bytesRead: number;
  readPercent: number;
  reads: number;
  verdict: string;
  ms: number;
}

const EXTRA: Array<{ name: string; kind: 'video'; file: () => VirtualFile }> = [
  {
    name: '200 MB mp4, moov first',
    kind: 'video',
    file: () => movie({ seconds: 30, audio: true, fileSize: 200 * MB }),
  },
  {
    name: '200 MB mp4, 4K 60 fps 30 s, moov last',
    kind: 'video',
    file: () =>
      movie({
        seconds: 30,
        width: 3840,
        height: 2160,
        timescale: 60_000,
        audio: true,
        moov: 'last',
        fileSize: 200 * MB,
      }),
  },
];

export async function run(): Promise<Record<string, unknown>> {
  const rows: Row[] = [];
  for (const c of [...MEDIA_CORPUS, ...EXTRA]) {
    const file = c.file();
    const { read, stats } = countingReader(file);
    const started = performance.now();
    const r = await inspectMedia(read, file.size, c.kind);
    const ms = performance.now() - started;
    rows.push({
      file: c.name,
      size: file.size,
      bytesRead: stats.bytes,
      readPercent: Math.round((stats.bytes / file.size) * 10_000) / 100,
      reads: stats.reads,
      verdict: r.verdict.ok
        ? `ok ${r.container} ${r.durationSeconds} s${r.width ? ` ${r.width}x${r.height} ${r.fps} fps` : ''}`
        : `${r.verdict.code}: ${r.verdict.message}`,
      ms: Math.round(ms * 100) / 100,
    });
  }
  const big = rows.filter((r) => r.size >= 200 * MB && !r.verdict.startsWith('FileSizeTooLarge'));
  return {
    files: rows.length,
    maxReads: Math.max(...rows.map((r) => r.reads)),
    largestVideosMaxReadPercent: Math.max(...big.map((r) => r.readPercent)),
    largestVideosMaxBytesRead: Math.max(...big.map((r) => r.bytesRead)),
    rows,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await run();
  for (const r of result.rows as Row[])
    console.log(
      r.file.padEnd(60),
      String(r.size).padStart(10),
      String(r.bytesRead).padStart(8),
      String(r.readPercent).padStart(7),
      String(r.reads).padStart(3),
      '',
      r.verdict,
    );
  const { rows: _rows, ...summary } = result;
  console.log(JSON.stringify(summary, null, 2));
}
