/**
 * Video generation tasks: `queued` → `running` → `succeeded` on a schedule fixed at creation (scaled by
 * the time scale), `expired` when execution_expires_after passes first, and the forced outcomes tests
 * ask for. The status is computed from the clock on every read, so nothing but callbacks needs a timer.
 * Records live 7 days (scaled), links 24 h from completion (`linkTtlMs`, absolute).
 */
import type { TaskStatus } from '../../../functions/core/ark/types';
import { DAY_MS } from '../defaults';
import type { MediaLinks } from '../media';
import { newId, type SeededRandom } from '../random';
import type { ResolvedSimOptions, TaskOutcome } from '../types';
import type { TaskSpec } from './content-rules';
import { invalidParam, SimArkError } from './errors';

/** Output sizes per resolution and ratio (Seedance 1.x/2.0 tables); tokens = w·h·fps·s / 1024. */
const DIMENSIONS: Record<string, Record<string, [number, number]>> = {
  '480p': {
    '16:9': [864, 480],
    '4:3': [736, 544],
    '1:1': [640, 640],
    '3:4': [544, 736],
    '9:16': [480, 864],
    '21:9': [960, 416],
  },
  '720p': {
    '16:9': [1248, 704],
    '4:3': [1120, 832],
    '1:1': [960, 960],
    '3:4': [832, 1120],
    '9:16': [704, 1248],
    '21:9': [1504, 640],
  },
  '1080p': {
    '16:9': [1920, 1088],
    '4:3': [1664, 1248],
    '1:1': [1440, 1440],
    '3:4': [1248, 1664],
    '9:16': [1088, 1920],
    '21:9': [2176, 928],
  },
};
const FPS = 24;
const RECORD_TTL_MS = 7 * DAY_MS;

interface TaskRecord {
  id: string;
  spec: TaskSpec;
  createdAt: number;
  queuedUntil: number;
  runningUntil: number;
  expiresAt: number;
  ratio: string;
  duration: number;
  seed: number;
  forced?: TaskOutcome;
  cancelledAt?: number;
  deleted: boolean;
  lastNotified?: TaskStatus;
  timers: NodeJS.Timeout[];
}

interface StatusAt {
  status: TaskStatus;
  at: number;
  error: { code: string; message: string } | null;
}

export interface TaskStoreDeps {
  rng: SeededRandom;
  options: () => ResolvedSimOptions;
  links: MediaLinks;
  forcedOutcome: () => TaskOutcome | null;
  now?: () => number;
}

export class TaskStore {
  private readonly tasks = new Map<string, TaskRecord>();
  private closed = false;

  constructor(private readonly deps: TaskStoreDeps) {}

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  create(spec: TaskSpec): { id: string } {
    const opts = this.deps.options();
    const rng = this.deps.rng;
    const now = this.now();
    const id = newId('cgt', rng, now, (x) => this.tasks.has(x));
    const queuedUntil = now + opts.taskQueuedMs * opts.timeScale;
    const forced = this.deps.forcedOutcome() ?? undefined;
    const record: TaskRecord = {
      id,
      spec,
      createdAt: now,
      queuedUntil,
      runningUntil: queuedUntil + opts.taskRunningMs * opts.timeScale,
      expiresAt: now + spec.executionExpiresAfter * 1000 * opts.timeScale,
      // `adaptive` follows the input upstream; without decoding images the simulator answers 16:9.
      ratio: spec.ratio === 'adaptive' ? '16:9' : spec.ratio,
      duration: spec.duration === -1 ? rng.int(4, 15) : spec.duration,
      seed: spec.seed === -1 ? rng.int(0, 2 ** 31 - 1) : spec.seed,
      forced: forced ? { ...forced } : undefined,
      deleted: false,
      timers: [],
    };
    this.tasks.set(id, record);
    if (spec.callbackUrl) this.scheduleCallbacks(record);
    return { id };
  }

  get(id: string): Record<string, unknown> {
    return this.wire(this.find(id));
  }

  /** queued → cancelled; succeeded/failed/expired → deleted; running/cancelled → 409 TaskNotCancellable. */
  delete(id: string): void {
    const t = this.find(id);
    const { status } = this.statusOf(t);
    if (status === 'queued') {
      t.cancelledAt = this.now();
      this.clearTimers(t);
      void this.notify(t);
      return;
    }
    if (status === 'running' || status === 'cancelled')
      throw new SimArkError(
        409,
        'TaskNotCancellable',
        `The task ${id} cannot be cancelled or deleted while it is ${status}.`,
        'id',
      );
    t.deleted = true;
    this.clearTimers(t);
  }

  list(query: URLSearchParams): { total: number; items: Record<string, unknown>[] } {
    const pageNum = intQuery(query, 'page_num', 1);
    const pageSize = intQuery(query, 'page_size', 10);
    const status = query.get('filter.status') ?? undefined;
    const statuses = ['queued', 'running', 'succeeded', 'failed', 'cancelled', 'expired'];
    if (status !== undefined && !statuses.includes(status))
      throw invalidParam('filter.status', `must be one of ${statuses.join(', ')}`);
    const ids = query
      .getAll('filter.task_ids')
      .flatMap((v) => v.split(','))
      .map((v) => v.trim())
      .filter((v) => v !== '');
    if (ids.length > 500) throw invalidParam('filter.task_ids', 'at most 500 IDs');
    const model = query.get('filter.model') ?? undefined;
    const matching = this.live()
      .filter(
        (t) => (ids.length === 0 || ids.includes(t.id)) && (model === undefined || t.spec.model === model),
      )
      .filter((t) => status === undefined || this.statusOf(t).status === status)
      .sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1));
    const start = (pageNum - 1) * pageSize;
    return {
      total: matching.length,
      items: matching.slice(start, start + pageSize).map((t) => this.wire(t)),
    };
  }

  snapshot(): Record<string, unknown>[] {
    return this.live().map((t) => this.wire(t));
  }

  /** Whether a media link may be served: the task exists (deleted records keep their files) and succeeded. */
  mediaAvailable(id: string, kind: 'video' | 'frame'): boolean {
    const t = this.tasks.get(id);
    if (!t || this.statusOf(t).status !== 'succeeded') return false;
    return kind === 'video' || t.spec.returnLastFrame;
  }

  close(): void {
    this.closed = true;
    for (const t of this.tasks.values()) this.clearTimers(t);
  }

  // ---- internals ----

  private live(): TaskRecord[] {
    const now = this.now();
    const ttl = RECORD_TTL_MS * this.deps.options().timeScale;
    return [...this.tasks.values()].filter((t) => !t.deleted && now - t.createdAt <= ttl);
  }

  private find(id: string): TaskRecord {
    const t = this.tasks.get(id);
    const ttl = RECORD_TTL_MS * this.deps.options().timeScale;
    if (!t || t.deleted || this.now() - t.createdAt > ttl)
      throw new SimArkError(404, 'ResourceNotFound', `The specified task ${id} is not found.`, 'id');
    return t;
  }

  private statusOf(t: TaskRecord): StatusAt {
    const now = this.now();
    if (t.cancelledAt !== undefined) return { status: 'cancelled', at: t.cancelledAt, error: null };
    const expired = (at: number): StatusAt => ({
      status: 'expired',
      at,
      error: {
        code: t.forced?.code ?? 'TaskExpired',
        message: t.forced?.message ?? 'The task was not executed within execution_expires_after.',
      },
    });
    if (t.forced?.status === 'expired' && now >= t.queuedUntil) return expired(t.queuedUntil);
    if (t.expiresAt < t.runningUntil && now >= t.expiresAt) return expired(t.expiresAt);
    if (now < t.queuedUntil) return { status: 'queued', at: t.createdAt, error: null };
    if (now < t.runningUntil) return { status: 'running', at: t.queuedUntil, error: null };
    if (t.forced?.status === 'failed')
      return {
        status: 'failed',
        at: t.runningUntil,
        error: {
          code: t.forced.code ?? 'InternalServiceError',
          message: t.forced.message ?? 'The video generation failed.',
        },
      };
    return { status: 'succeeded', at: t.runningUntil, error: null };
  }

  private wire(t: TaskRecord): Record<string, unknown> {
    const s = this.statusOf(t);
    const body: Record<string, unknown> = {
      id: t.id,
      model: t.spec.model,
      status: s.status,
      error: s.error,
      created_at: Math.floor(t.createdAt / 1000),
      updated_at: Math.floor(s.at / 1000),
    };
    if (s.status === 'succeeded') {
      const ttl = this.deps.options().linkTtlMs;
      const content: Record<string, string> = {
        video_url: this.deps.links.sign(`/_media/tasks/${t.id}/video.mp4`, ttl, s.at),
      };
      if (t.spec.returnLastFrame)
        content.last_frame_url = this.deps.links.sign(`/_media/tasks/${t.id}/last-frame.png`, ttl, s.at);
      body.content = content;
    }
    Object.assign(body, {
      seed: t.seed,
      resolution: t.spec.resolution,
      ratio: t.ratio,
      duration: t.duration,
      framespersecond: FPS,
      generate_audio: t.spec.generateAudio,
      watermark: t.spec.watermark,
      return_last_frame: t.spec.returnLastFrame,
      execution_expires_after: t.spec.executionExpiresAfter,
    });
    if (s.status === 'succeeded') {
      const [w, h] = DIMENSIONS[t.spec.resolution]?.[t.ratio] ?? [1248, 704];
      const tokens = Math.floor((w * h * FPS * t.duration) / 1024);
      body.usage = { completion_tokens: tokens, total_tokens: tokens };
    }
    return body;
  }

  private scheduleCallbacks(t: TaskRecord): void {
    const now = this.now();
    for (const at of new Set([t.queuedUntil, Math.min(t.runningUntil, t.expiresAt)])) {
      const timer = setTimeout(() => void this.notify(t), Math.max(0, at - now) + 1);
      timer.unref();
      t.timers.push(timer);
    }
  }

  private clearTimers(t: TaskRecord): void {
    for (const timer of t.timers) clearTimeout(timer);
    t.timers = [];
  }

  /** POSTs the task body on a status change; terminal statuses are retried 3 times if not acknowledged. */
  private async notify(t: TaskRecord): Promise<void> {
    const url = t.spec.callbackUrl;
    if (!url || this.closed) return;
    const body = this.wire(t);
    const status = body.status as TaskStatus;
    if (status === t.lastNotified) return;
    t.lastNotified = status;
    const attempts = status === 'succeeded' || status === 'failed' ? 4 : 1;
    for (let i = 0; i < attempts && !this.closed; i++) {
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(5_000),
        });
        await res.body?.cancel().catch(() => undefined);
        if (res.ok) return;
      } catch {
        // Unacknowledged: retry below, as upstream does.
      }
      await new Promise((r) => setTimeout(r, 5_000 * this.deps.options().timeScale).unref());
    }
  }
}

function intQuery(q: URLSearchParams, name: string, def: number): number {
  const v = q.get(name);
  if (v === null || v === '') return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 500) throw invalidParam(name, 'must be an integer in 1..500');
  return n;
}
