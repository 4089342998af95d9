/**
 * The video resource the API answers with, built from an execution's facts. Presigned links are made
 * by the handler (they need AWS) and passed in; nothing here ever includes the upstream 24 h links.
 */
import type { VideoStatus } from '../api-schemas/videos';
import type { MediaEntry } from './content';
import type { VideoJobInput, VideoResult } from './job';
import { videoError, videoStatus, type ExecutionStatus, type HistoryFacts, type VideoError } from './status';

export interface ExecutionFacts {
  videoId: string;
  status: ExecutionStatus | string;
  startDate: Date;
  stopDate?: Date;
  input?: string;
  output?: string;
  error?: string;
  cause?: string;
  history?: HistoryFacts;
}

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
  videoUrl?: string;
  lastFrameUrl?: string;
  /** When the presigned links stop working. */
  linksExpireAt?: string;
  error?: Omit<VideoError, 'error'>;
  usage?: { completionTokens: number; totalTokens: number };
  seed?: number;
  resolution?: string;
  ratio?: string;
  duration?: number;
  media?: MediaEntry[];
  metadata?: Record<string, unknown>;
  createdAt: string;
  finishedAt?: string;
}

function parse<T>(json: string | undefined): T | undefined {
  if (!json) return undefined;
  try {
    const v = JSON.parse(json) as unknown;
    return v && typeof v === 'object' ? (v as T) : undefined;
  } catch {
    return undefined;
  }
}

export const parseResult = (output: string | undefined) => parse<VideoResult>(output);
export const parseJobInput = (input: string | undefined) => parse<VideoJobInput>(input);

export function videoView(facts: ExecutionFacts, links?: VideoLinks): VideoView {
  const status = videoStatus(facts.status, facts.error, facts.history);
  const input = parseJobInput(facts.input);
  const result = status === 'succeeded' ? parseResult(facts.output) : undefined;
  const view: VideoView = { videoId: facts.videoId, status, createdAt: facts.startDate.toISOString() };
  const model = result?.model ?? input?.request?.model;
  if (model) view.model = model;
  const taskId = result?.taskId ?? facts.history?.job?.taskId;
  if (taskId) view.taskId = taskId;
  if (result) {
    if (links) {
      view.videoUrl = links.videoUrl;
      if (links.lastFrameUrl) view.lastFrameUrl = links.lastFrameUrl;
      view.linksExpireAt = links.expiresAt;
    }
    if (result.usage) view.usage = result.usage;
    if (result.seed !== undefined) view.seed = result.seed;
    if (result.resolution) view.resolution = result.resolution;
    if (result.ratio) view.ratio = result.ratio;
    if (result.duration !== undefined) view.duration = result.duration;
  }
  if (facts.status === 'FAILED' || facts.status === 'TIMED_OUT' || facts.status === 'ABORTED') {
    const { code, message } = videoError(facts.error, facts.cause);
    if (facts.error || facts.cause) view.error = { code, message };
  }
  if (input?.media) view.media = input.media;
  if (input?.metadata) view.metadata = input.metadata;
  if (facts.stopDate) view.finishedAt = facts.stopDate.toISOString();
  return view;
}
