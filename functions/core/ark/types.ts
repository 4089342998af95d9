/** Domain shapes of Seedance video generation tasks (Ark data plane via the APIYI gateway). */

/** The closed union every upstream status is normalised to; unknown values count as `running`. */
export type TaskStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'expired';

export type ImageRole = 'first_frame' | 'last_frame' | 'reference_image';

/** Wire form of one content item, in the order the model sees it. */
export type ContentItem =
  | { type: 'text'; text: string }
  | { type: 'image_url'; image_url: { url: string }; role: ImageRole }
  | { type: 'video_url'; video_url: { url: string }; role: 'reference_video' }
  | { type: 'audio_url'; audio_url: { url: string }; role: 'reference_audio' };

export interface CreateTaskInput {
  model: string;
  content: ContentItem[];
  ratio?: '16:9' | '4:3' | '1:1' | '3:4' | '9:16' | '21:9' | 'adaptive';
  resolution?: '480p' | '720p' | '1080p' | '4k';
  duration?: number;
  seed?: number;
  generate_audio?: boolean;
  watermark?: boolean;
  return_last_frame?: boolean;
  callback_url?: string;
  execution_expires_after?: number;
  /** `mp4`; `mov` on 2.5. */
  output_format?: 'mp4' | 'mov';
  tools?: { type: 'web_search' }[];
  /** A stable, hashed end-user ID (≤ 64 chars) for upstream's abuse checks; never the raw principal. */
  safety_identifier?: string;
}

export interface VideoTask {
  id: string;
  model: string;
  status: TaskStatus;
  /** The status string exactly as upstream sent it (for logs). */
  rawStatus: string;
  error: { code: string; message: string } | null;
  /** Unix seconds. */
  createdAt: number;
  updatedAt: number;
  /** 24 h links; never log them. */
  videoUrl?: string;
  lastFrameUrl?: string;
  seed?: number;
  resolution?: string;
  ratio?: string;
  duration?: number;
  usage?: { completionTokens: number; totalTokens: number };
  executionExpiresAfter?: number;
}

export interface ListTasksQuery {
  pageNum?: number;
  pageSize?: number;
  status?: TaskStatus;
  taskIds?: string[];
  model?: string;
}

export interface TaskList {
  total: number;
  items: VideoTask[];
}
