/**
 * Upload IDs: 26-character ULIDs (48-bit millisecond time + 80 random bits, Crockford base32). The time
 * part is what lets GET /uploads/{id} tell `awaiting_upload` from `expired` with no database: the
 * creation instant travels inside the ID. Hand-written (20 lines) rather than a dependency, because the
 * decoder is needed as much as the encoder. IDs are valid Step Functions execution names and S3 key parts.
 */
import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const PATTERN = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;

export function newUploadId(now: Date = new Date(), random: Uint8Array = randomBytes(10)): string {
  let time = now.getTime();
  let timePart = '';
  for (let i = 0; i < 10; i++) {
    timePart = ALPHABET[time % 32] + timePart;
    time = Math.floor(time / 32);
  }
  let bits = 0n;
  for (const b of random.subarray(0, 10)) bits = (bits << 8n) | BigInt(b);
  let randomPart = '';
  for (let i = 0; i < 16; i++) {
    randomPart = ALPHABET[Number(bits & 31n)] + randomPart;
    bits >>= 5n;
  }
  return timePart + randomPart;
}

export function isUploadId(id: string): boolean {
  return PATTERN.test(id);
}

/** The creation instant an upload ID carries, or undefined for something that is not an upload ID. */
export function uploadIdTime(id: string): Date | undefined {
  if (!isUploadId(id)) return undefined;
  let ms = 0;
  for (const c of id.slice(0, 10)) ms = ms * 32 + ALPHABET.indexOf(c);
  return new Date(ms);
}
