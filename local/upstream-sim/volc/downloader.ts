/**
 * Fetches a CreateAsset URL the way upstream does: one GET, a size cap enforced while streaming, and
 * any failure to obtain the bytes (unreachable, non-2xx, timeout, expired presigned link) reported as
 * DownloadFailed. The URL itself never goes into a message: it may be a presigned link.
 */
import type { AssetType } from '../../../functions/core/volcengine/types';
import { maxBytesFor, tooLarge, type CheckResult } from './media-check';

export type DownloadResult = { ok: true; bytes: Buffer } | Extract<CheckResult, { ok: false }>;

const downloadFailed = (why: string): DownloadResult => ({
  ok: false,
  code: 'DownloadFailed',
  message: `Failed to download the file from the given URL: ${why}.`,
});

/**
 * Presigned links carry their own expiry; the local S3 engine does not enforce it, so check it here the
 * way real S3/TOS would refuse the GET. Supports SigV4 (`X-Amz-Date` + `X-Amz-Expires`) and the
 * simulator's own links (`X-Expires`, unix ms).
 */
export function presignedLinkExpired(url: URL, now: number): boolean {
  const q = url.searchParams;
  const amzDate = q.get('X-Amz-Date');
  const amzExpires = q.get('X-Amz-Expires');
  if (amzDate && amzExpires) {
    const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
    if (m) {
      const [, y, mo, d, h, mi, s] = m.map(Number) as [
        number,
        number,
        number,
        number,
        number,
        number,
        number,
      ];
      if (Date.UTC(y, mo - 1, d, h, mi, s) + Number(amzExpires) * 1000 < now) return true;
    }
  }
  const simExpires = q.get('X-Expires');
  return simExpires !== null && Number(simExpires) < now;
}

export async function download(
  rawUrl: string,
  assetType: AssetType,
  timeoutMs: number,
  opts: { now?: number; signal?: AbortSignal } = {},
): Promise<DownloadResult> {
  const now = opts.now ?? Date.now();
  const url = new URL(rawUrl);
  if (presignedLinkExpired(url, now)) return downloadFailed('the link has expired');
  const limit = maxBytesFor(assetType);
  let res: Response;
  try {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = opts.signal ? AbortSignal.any([timeout, opts.signal]) : timeout;
    res = await fetch(url, { signal, redirect: 'follow' });
  } catch (e) {
    return downloadFailed(
      e instanceof Error && e.name === 'TimeoutError' ? 'timed out' : 'the host is unreachable',
    );
  }
  if (!res.ok) {
    await res.body?.cancel().catch(() => undefined);
    return downloadFailed(`HTTP ${res.status}`);
  }
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > limit) {
    await res.body?.cancel().catch(() => undefined);
    return tooLarge(assetType) as DownloadResult;
  }
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of res.body ?? []) {
      total += chunk.byteLength;
      if (total > limit) {
        await res.body?.cancel().catch(() => undefined);
        return tooLarge(assetType) as DownloadResult;
      }
      chunks.push(Buffer.from(chunk));
    }
  } catch {
    return downloadFailed('the connection was interrupted');
  }
  return { ok: true, bytes: Buffer.concat(chunks) };
}
