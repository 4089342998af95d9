/**
 * Inspects an image in storage without downloading it: one ranged read of the head (≤ 64 KiB), magic
 * bytes for the type, follow-up reads only where the header points further, image-size for the
 * dimensions, then the upstream rules. Storage is abstracted as a range reader so this stays free of AWS.
 */
import { imageSize } from 'image-size';
import { RecordedReads, type ByteRange } from './byte-chunks';
import { formatLabel, type ImageFormat } from './formats';
import { planHeader } from './header-plan';
import { IMAGE_RULES, judgeDimensions, judgeSize, reject, type ImageRules, type Verdict } from './rules';
import { sniff } from './sniff';

/** Reads `length` bytes at `offset`; may return fewer at the end of the object. */
export type RangeReader = (offset: number, length: number) => Promise<Uint8Array>;

export interface InspectOptions {
  rules?: ImageRules;
  /** First read, from byte 0. */
  headBytes?: number;
  /** Reads after the head, when only a position is known. */
  followUpBytes?: number;
  /** All reads together, the head included. */
  maxReads?: number;
  /** Largest single header structure (TIFF IFD, HEIF meta) accepted. */
  maxStructureBytes?: number;
}

export const INSPECT_DEFAULTS = {
  headBytes: 64 * 1024,
  followUpBytes: 8 * 1024,
  maxReads: 12,
  maxStructureBytes: 1024 * 1024,
} as const;

export interface Inspection {
  size: number;
  format?: ImageFormat;
  /** MIME type of the detected format (what the file is, not what it was declared as). */
  mime?: string;
  width?: number;
  height?: number;
  verdict: Verdict;
  bytesRead: number;
  reads: ByteRange[];
}

export async function inspectImage(
  read: RangeReader,
  size: number,
  options: InspectOptions = {},
): Promise<Inspection> {
  const rules = options.rules ?? IMAGE_RULES;
  const opts = { ...INSPECT_DEFAULTS, ...options };
  const recorded = new RecordedReads(read);
  const { chunks, reads } = recorded;
  const done = (verdict: Verdict, extra: Partial<Inspection> = {}): Inspection => ({
    size,
    ...extra,
    verdict,
    bytesRead: recorded.bytesRead,
    reads,
  });

  const sizeVerdict = judgeSize(size, rules);
  if (!sizeVerdict.ok) return done(sizeVerdict);

  const fetchRange = (range: ByteRange) => recorded.fetch(range);

  await fetchRange({ offset: 0, length: Math.min(size, opts.headBytes) });
  const head = recorded.head(size);
  const kind = sniff(head);
  if (kind.kind === 'foreign')
    return done(reject('FormatUnsupported', `the file is ${kind.label}, not an accepted image format`));
  if (kind.kind === 'unknown')
    return done(reject('FormatUndetectable', 'the file is not a recognisable image (unknown magic bytes)'));
  // A short read means the object shrank since HeadObject: judge what is really there.
  const effectiveSize = head.length < Math.min(size, opts.headBytes) ? head.length : size;
  const found = { format: kind.format, mime: kind.mime };
  const label = formatLabel(kind.format);

  for (;;) {
    const plan = planHeader(kind.format, chunks, effectiveSize, opts);
    if (plan.kind === 'corrupt') return done(reject('ImageCorrupt', plan.reason), found);
    if (plan.kind === 'unsupported') return done(reject('FormatUnsupported', plan.reason), found);
    if (plan.kind === 'need') {
      if (reads.length >= opts.maxReads)
        return done(
          reject('ImageCorrupt', `the ${label} dimensions are not within ${opts.maxReads} header reads`),
          found,
        );
      await fetchRange(plan.range);
      continue;
    }
    let dims: { width: number; height: number };
    try {
      dims = imageSize(plan.header);
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      return done(reject('ImageCorrupt', `the ${label} header cannot be parsed (${why})`), found);
    }
    return done(judgeDimensions(dims.width, dims.height, rules), { ...found, ...dims });
  }
}
