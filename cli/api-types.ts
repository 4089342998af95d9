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
/** A reference may also be a whole character: the group's Active assets of the kind, oldest first. */
export type ReferenceRef = MediaRef | { groupId: string };

/** A reference clip; its length (when known) counts toward the model's total for the kind. */
export type TimedMediaRef = (MediaRef & { durationSeconds?: number }) | { groupId: string };

export interface CreateVideoBody {
  prompt: string;
  references?: ReferenceRef[];
  firstFrame?: MediaRef;
  lastFrame?: MediaRef;
  referenceVideos?: TimedMediaRef[];
  referenceAudios?: TimedMediaRef[];
  ratio?: string;
  resolution?: string;
  duration?: number;
  seed?: number;
  generateAudio?: boolean;
  watermark?: boolean;
  returnLastFrame?: boolean;
  outputFormat?: 'mp4' | 'mov';
  webSearch?: boolean;
  metadata?: Record<string, unknown>;
  model?: string;
}

/** What the prompt calls each media item ("Image 1"…) and which asset or URL it is. */
export interface MediaEntry {
  placeholder: string;
  role: string;
  assetId?: string;
  url?: string;
  groupId?: string;
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
  /** While queued for the account's budget, before the task exists: 1 = next, and the estimate. */
  queuePosition?: number;
  estimatedStartAt?: string;
  videoUrl?: string;
  lastFrameUrl?: string;
  taskId?: string;
  error?: ApiErrorBody;
  usage?: { completionTokens: number; totalTokens: number };
  /** The estimate: recorded tokens × the stack's price table. */
  cost?: { amount: number; currency: string; pricePerMillionTokens: number };
  createdAt?: string;
  finishedAt?: string;
  media?: MediaEntry[];
  metadata?: Record<string, unknown>;
}

export interface VideoList {
  items: VideoJob[];
  nextToken?: string;
}

export type UsageGrouping = 'day' | 'model' | 'caller';

export interface UsageTotals {
  videos: number;
  completionTokens: number;
  totalTokens: number;
  estimatedCost: number;
  unpricedVideos: number;
}

/** GET /usage. */
export interface UsageReport {
  from: string;
  to: string;
  groupBy: UsageGrouping;
  currency: string;
  total: UsageTotals;
  groups: (UsageTotals & { key: string })[];
}

/** A webhook endpoint as the API answers it (its secret only on create and rotate). */
export interface WebhookEndpoint {
  id: string;
  url: string;
  events?: string[];
  description?: string;
  status: 'enabled' | 'disabled';
  disabledReason?: string;
  createdAt: string;
  updatedAt: string;
}
export interface CreatedWebhook extends WebhookEndpoint {
  secret: string;
}
