/**
 * The order of the statuses a record moves through. Every write names the status it sets and carries
 * its rank; the table accepts it only when the record is not already further on (a lower rank), and a
 * terminal record takes no write at all. So a retried step, a replayed execution event or a late write
 * racing a newer one never moves a record backwards. Writes of the same non-terminal rank are accepted:
 * a poll that finds a task still queued refreshes what it knows.
 */
import type { VideoStatus } from '../api-schemas/videos';

export const TERMINAL_RANK = 9;

export const VIDEO_RANK: Record<VideoStatus, number> = {
  queued: 1,
  running: 2,
  saving: 3,
  succeeded: TERMINAL_RANK,
  failed: TERMINAL_RANK,
  cancelled: TERMINAL_RANK,
  expired: TERMINAL_RANK,
  timed_out: TERMINAL_RANK,
};

/**
 * What an upload record can hold. `expired` is stored when the job waited for upstream budget longer
 * than the cap; an `awaiting_upload` past its time also reads `expired`, derived on read.
 */
export type StoredUploadStatus =
  'awaiting_upload' | 'validating' | 'queued' | 'ingesting' | 'rejected' | 'active' | 'failed' | 'expired';

export const UPLOAD_RANK: Record<StoredUploadStatus, number> = {
  awaiting_upload: 0,
  validating: 1,
  // Same rank on every wake-up, so the queue position can go down with each write.
  queued: 2,
  ingesting: 3,
  rejected: TERMINAL_RANK,
  active: TERMINAL_RANK,
  failed: TERMINAL_RANK,
  expired: TERMINAL_RANK,
};

export const isTerminalRank = (rank: number): boolean => rank >= TERMINAL_RANK;
