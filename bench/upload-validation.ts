/**
 * Upload validation: bytes read per image against its size over the generated corpus, with the number
 * of ranged reads and the time the inspection takes in memory (storage latency excluded: in AWS each
 * read is one S3 GET, so `reads` is the figure that maps to latency).
 * Run alone: `npx tsx bench/upload-validation.ts`.
 */
import { pathToFileURL } from 'node:url';
import { inspectImage } from '../functions/core/image';
import { CORPUS, memoryReader } from '../test/support/image-corpus';

interface Row {
  image: string;
  size: number;
  bytesRead: number;
  readPercent: number;
  reads: number;
  verdict: string;
  ms: number;
}

export async function run(): Promise<Record<string, unknown>> {
  const rows: Row[] = [];
  for (const entry of CORPUS) {
    const bytes = entry.build();
    const reader = memoryReader(bytes);
    const started = performance.now();
    const result = await inspectImage(reader.read, bytes.length);
    const ms = performance.now() - started;
    rows.push({
      image: entry.fileName,
      size: bytes.length,
      bytesRead: result.bytesRead,
      readPercent: bytes.length ? Math.round((result.bytesRead / bytes.length) * 1000) / 10 : 0,
      reads: result.reads.length,
      verdict: result.verdict.ok
        ? `ok ${result.format} ${result.width}x${result.height}`
        : `${result.verdict.code}: ${result.verdict.message}`,
      ms: Math.round(ms * 100) / 100,
    });
  }
  const readWhole = rows.filter((r) => r.size > 0 && r.bytesRead >= r.size).map((r) => r.image);
  const nonEmpty = rows.filter((r) => r.size > 0);
  return {
    images: rows.length,
    readWhole,
    maxReads: Math.max(...rows.map((r) => r.reads)),
    maxBytesRead: Math.max(...rows.map((r) => r.bytesRead)),
    totalSize: rows.reduce((n, r) => n + r.size, 0),
    totalBytesRead: rows.reduce((n, r) => n + r.bytesRead, 0),
    medianReadPercent: nonEmpty.map((r) => r.readPercent).sort((a, b) => a - b)[
      Math.floor(nonEmpty.length / 2)
    ],
    rows,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await run();
  const rows = result.rows as Row[];
  console.log(
    'image'.padEnd(24),
    'size'.padStart(11),
    'read'.padStart(8),
    '%'.padStart(6),
    'reads',
    ' verdict',
  );
  for (const r of rows)
    console.log(
      r.image.padEnd(24),
      String(r.size).padStart(11),
      String(r.bytesRead).padStart(8),
      String(r.readPercent).padStart(6),
      String(r.reads).padStart(5),
      '',
      r.verdict,
    );
  const { rows: _rows, ...summary } = result;
  console.log(JSON.stringify(summary, null, 2));
}
