/**
 * The REST answers the console reads: the CLI's client types (the published contract) plus the fields
 * other issues add (queue positions, real-person sessions), all optional so an older API still reads.
 */
import type { AssetView, Group, UploadStatus, VideoJob } from '../../cli/api-types';

export type { Group, PageResult, PresignedPost, UploadTicket, VideoList } from '../../cli/api-types';
export { TERMINAL_UPLOAD_STATES, TERMINAL_VIDEO_STATES } from '../../cli/api-types';

/** `durationSeconds` arrives with video and audio clips (their own issue). */
export type Asset = AssetView & { assetType?: string; managed?: boolean; durationSeconds?: number };
export type GroupItem = Group & { managed?: boolean; groupType?: string };

/** `queuePosition` / `estimatedStartAt` arrive with the account-wide governor (its own issue). */
export type Upload = UploadStatus & { queuePosition?: number; estimatedStartAt?: string };
export type Video = VideoJob & {
  model?: string;
  queuePosition?: number;
  estimatedStartAt?: string;
  linksExpireAt?: string;
  resolution?: string;
  ratio?: string;
  duration?: number;
};

/** POST /real-person/sessions and GET /real-person/sessions/{id}, as DESIGN.md names them. */
export interface RealPersonSession {
  sessionId: string;
  h5Link?: string;
  expiresAt?: string;
  status?: string;
  groupId?: string;
}
