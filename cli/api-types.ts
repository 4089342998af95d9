/**
 * The REST contract's answers as the CLI sees them (DESIGN.md, "REST API"). Kept separate from the
 * server's schemas on purpose: the CLI is a client of the published contract, so it tolerates extra
 * fields and only names the ones it shows.
 */

export interface ApiErrorBody {
  code: string;
  message: string;
  details?: unknown;
}

export interface Group {
  groupId: string;
  name: string;
  description?: string;
  projectName?: string;
  createdAt?: string;
}

export interface PageResult<T> {
  items: T[];
  total: number;
  pageNumber: number;
  pageSize: number;
}

export interface PageParams {
  pageNumber?: number;
  pageSize?: number;
}

export interface PresignedPost {
  url: string;
  fields: Record<string, string>;
}

export interface UploadTicket {
  uploadId: string;
  upload: PresignedPost;
  expiresAt?: string;
}

export type UploadState =
  'awaiting_upload' | 'validating' | 'rejected' | 'ingesting' | 'active' | 'failed' | 'expired' | 'deleted';

export const TERMINAL_UPLOAD_STATES: readonly string[] = [
  'active',
  'rejected',
  'failed',
  'expired',
  'deleted',
];

export interface UploadStatus {
  uploadId: string;
  groupId: string;
  status: UploadState | string;
  assetId?: string;
  assetUri?: string;
  error?: ApiErrorBody;
  /** Another file was posted over the upload after its ingest started, and was quarantined. */
  replaced?: { at: string; message: string };
}

export interface AssetView {
  assetId: string;
  assetUri: string;
  status: string;
  name?: string;
  groupId?: string;
  createdAt?: string;
  error?: ApiErrorBody;
}

export type MediaRef = { assetId: string } | { url: string };

export interface CreateVideoBody {
  prompt: string;
  references?: MediaRef[];
  firstFrame?: MediaRef;
  lastFrame?: MediaRef;
  ratio?: string;
  resolution?: string;
  duration?: number;
  seed?: number;
  generateAudio?: boolean;
  watermark?: boolean;
  returnLastFrame?: boolean;
  model?: string;
}

export type VideoState =
  'queued' | 'running' | 'saving' | 'succeeded' | 'failed' | 'cancelled' | 'expired' | 'timed_out';

export const TERMINAL_VIDEO_STATES: readonly string[] = [
  'succeeded',
  'failed',
  'cancelled',
  'expired',
  'timed_out',
];

export interface VideoJob {
  videoId: string;
  status: VideoState | string;
  videoUrl?: string;
  lastFrameUrl?: string;
  taskId?: string;
  error?: ApiErrorBody;
  usage?: unknown;
  createdAt?: string;
  finishedAt?: string;
}

export interface VideoList {
  items: VideoJob[];
  nextToken?: string;
}
