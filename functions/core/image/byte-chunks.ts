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
