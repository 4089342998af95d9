/** The parts of a file read so far, by offset, so header walkers can ask "do I have bytes a..b yet?". */

export interface ByteRange {
  offset: number;
  length: number;
}

export class ByteChunks {
  private readonly chunks: Array<{ offset: number; bytes: Uint8Array }> = [];

  /** Copies the bytes: a Node Buffer may be a view into a shared pool, which parsers must not see. */
  add(offset: number, bytes: Uint8Array): void {
    this.chunks.push({ offset, bytes: new Uint8Array(bytes) });
  }

  /** A copy of `length` bytes at `offset` if one read covers them, else undefined. */
  get(offset: number, length: number): Uint8Array | undefined {
    for (const c of this.chunks) {
      if (offset >= c.offset && offset + length <= c.offset + c.bytes.length)
        return c.bytes.slice(offset - c.offset, offset - c.offset + length);
    }
    return undefined;
  }

  has(offset: number, length: number): boolean {
    return this.chunks.some((c) => offset >= c.offset && offset + length <= c.offset + c.bytes.length);
  }

  /** Bytes from 0 that are covered without a gap (the head read). */
  get contiguousPrefix(): number {
    const first = this.chunks.find((c) => c.offset === 0);
    return first ? first.bytes.length : 0;
  }
}

/**
 * A range reader that keeps what it read: the chunks for the header walkers, and the reads and byte
 * count that every inspection reports (images and media alike).
 */
export class RecordedReads {
  readonly chunks = new ByteChunks();
  readonly reads: ByteRange[] = [];
  bytesRead = 0;

  constructor(private readonly read: (offset: number, length: number) => Promise<Uint8Array>) {}

  async fetch(range: ByteRange): Promise<void> {
    const bytes = await this.read(range.offset, range.length);
    this.reads.push({ offset: range.offset, length: bytes.length });
    this.bytesRead += bytes.length;
    this.chunks.add(range.offset, bytes);
  }

  /** The bytes from 0 read without a gap, at most `max`. */
  head(max: number): Uint8Array {
    return this.chunks.get(0, Math.min(max, this.chunks.contiguousPrefix)) ?? new Uint8Array();
  }
}
