/**
 * The video resource the API answers with, built from its record in the state table. Presigned links
 * are made by the handler (they need AWS) and passed in; nothing here ever includes the upstream 24 h
 * links.
 */
import type { VideoStatus } from '../api-schemas/videos';
import type { MediaEntry } from './content';
import { notFound } from '../errors';
import type { RecordReader, VideoRecord } from '../records';
import type { VideoResult } from './job';
import { costOf, usageEntryOf, type Pricing, type UsageEntry, type VideoCost } from '../usage';

export interface VideoLinks {
  videoUrl: string;
  lastFrameUrl?: string;
  expiresAt: string;
}

export interface VideoView {
  videoId: string;
  status: VideoStatus;
  model?: string;
  taskId?: string;
  /** While queued for the account's budget, before the task exists: 1 = next, and the estimate. */
  queuePosition?: number;
  estimatedStartAt?: string;
  groupIds?: string[];
  videoUrl?: string;
  lastFrameUrl?: string;
  /** When the presigned links stop working. */
  linksExpireAt?: string;
  error?: { code: string; message: string };
  usage?: { completionTokens: number; totalTokens: number };
  /** The estimate: recorded tokens × the price table (absent when it has no price for the video). */
  cost?: VideoCost;
  seed?: number;
  resolution?: string;
  ratio?: string;
  duration?: number;
  media?: MediaEntry[];
  metadata?: Record<string, unknown>;
  createdAt: string;
  updatedAt?: string;
  finishedAt?: string;
}

/** What GET /videos lists of each video (no links: they are signed per GET of one video). */
export type VideoListItem = Pick<
  VideoView,
  | 'videoId'
  | 'status'
  | 'createdAt'
  | 'finishedAt'
  | 'taskId'
  | 'error'
  | 'model'
  | 'groupIds'
  | 'usage'
  | 'cost'
  | 'queuePosition'
  | 'estimatedStartAt'
>;

/**
 * A succeeded video's ledger line; a record written before the ledger existed has only its result, and
 * its media list tells whether a reference video went in.
 */
function ledgerOf(r: VideoRecord): UsageEntry | undefined {
  if (r.status !== 'succeeded') return undefined;
  if (r.usage) return r.usage;
  const entry = r.result ? usageEntryOf(r.result, undefined) : undefined;
  return entry && { ...entry, videoInput: r.media?.some((m) => m.placeholder.startsWith('Video')) ?? false };
}

export function videoView(r: VideoRecord, links?: VideoLinks, pricing?: Pricing): VideoView {
  const view: VideoView = { videoId: r.id, status: r.status, createdAt: r.createdAt, updatedAt: r.updatedAt };
  const result = r.status === 'succeeded' ? r.result : undefined;
  const model = result?.model ?? r.model;
  if (model) view.model = model;
  const taskId = result?.taskId ?? r.taskId;
  if (taskId) view.taskId = taskId;
  // The place in our queue means something only until the task exists (then upstream's queue holds it).
  else if (r.status === 'queued' && r.queuePosition !== undefined) {
    view.queuePosition = r.queuePosition;
    if (r.estimatedStartAt) view.estimatedStartAt = r.estimatedStartAt;
  }
  if (r.groupIds && r.groupIds.length > 0) view.groupIds = r.groupIds;
  if (result) {
    if (links) {
      view.videoUrl = links.videoUrl;
      if (links.lastFrameUrl) view.lastFrameUrl = links.lastFrameUrl;
      view.linksExpireAt = links.expiresAt;
    }
    if (result.usage) view.usage = result.usage;
    const ledger = ledgerOf(r);
    const cost = ledger && pricing ? costOf(ledger, pricing.prices, pricing.rowOf) : undefined;
    if (cost) view.cost = cost;
    if (result.seed !== undefined) view.seed = result.seed;
    if (result.resolution) view.resolution = result.resolution;
    if (result.ratio) view.ratio = result.ratio;
    if (result.duration !== undefined) view.duration = result.duration;
  }
  if (r.error) view.error = { code: r.error.code, message: r.error.message };
  if (r.finishedAt) view.finishedAt = r.finishedAt;
  if (r.media) view.media = r.media;
  if (r.metadata) view.metadata = r.metadata;
  return view;
}

export function videoListItem(r: VideoRecord, pricing?: Pricing): VideoListItem {
  const {
    videoId,
    status,
    createdAt,
    finishedAt,
    taskId,
    error,
    model,
    groupIds,
    usage,
    cost,
    queuePosition,
    estimatedStartAt,
  } = videoView(r, undefined, pricing);
  return {
    videoId,
    status,
    createdAt,
    ...(queuePosition !== undefined ? { queuePosition } : {}),
    ...(estimatedStartAt ? { estimatedStartAt } : {}),
    ...(finishedAt ? { finishedAt } : {}),
    ...(taskId ? { taskId } : {}),
    ...(error ? { error } : {}),
    ...(model ? { model } : {}),
    ...(groupIds ? { groupIds } : {}),
    ...(usage ? { usage } : {}),
    ...(cost ? { cost } : {}),
  };
}

export async function videoRecord(store: RecordReader, videoId: string): Promise<VideoRecord> {
  const r = await store.get('video', videoId);
  if (!r || r.kind !== 'video') throw notFound('video', videoId);
  return r;
}

/** The saved files of a succeeded video, for the handler to sign. */
export const savedFiles = (r: VideoRecord): VideoResult | undefined =>
  r.status === 'succeeded' ? r.result : undefined;
