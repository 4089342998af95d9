/**
 * Video generation tasks as the account limits make them (UPSTREAM.md §2): at most `taskSlots` tasks of
 * one model run at once (4k tasks: 1), the rest wait `queued` in creation order; a task is also queued
 * for at least `taskQueuedMs`, runs `taskRunningMs`, then succeeds (or fails / expires when forced), and
 * expires when execution_expires_after passes before it finishes. All durations are scaled by the time
 * scale. The schedule is a pure function of the records (creation order, cancellations) and is
 * recomputed when they change, so statuses are read from the clock and only callbacks need timers.
 * Records live 7 days, cancelled ones 24 h (scaled); links 24 h from completion (`linkTtlMs`, absolute).
 */
import type { TaskStatus } from '../../../functions/core/ark/types';
import { DAY_MS } from '../defaults';
import type { MediaLinks } from '../media';
import { newId, type SeededRandom } from '../random';
import type { ResolvedSimOptions, TaskOutcome } from '../types';
import type { TaskSpec } from './content-rules';
import { invalidParam, SimArkError } from './errors';
import { FPS, taskTokens } from './usage';

const RECORD_TTL_MS = 7 * DAY_MS;
const CANCELLED_TTL_MS = DAY_MS;
/** 4k videos run one at a time per model (UPSTREAM.md §2), in a queue of their own. */
const SLOTS_4K = 1;
/** Callback retries on succeeded/failed, and how long one attempt waits for a 2xx (× timeScale). */
const CALLBACK_RETRIES = 3;
const CALLBACK_ACK_MS = 5_000;
const CALLBACK_RETRY_GAP_MS = 1_000;
/** Below this a loopback answer under load could count as lost: a floor, not a model of upstream. */
const CALLBACK_ACK_FLOOR_MS = 250;
/** setTimeout's ceiling; a later change is re-armed when this fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface TaskRecord {
  id: string;
  seq: number;
  spec: TaskSpec;
  createdAt: number;
  /** Earliest start: created + taskQueuedMs (scaled at creation). */
  readyAt: number;
  runMs: number;
  expiresAt: number;
  ratio: string;
  duration: number;
  seed: number;
  forced?: TaskOutcome;
  cancelledAt?: number;
  deleted: boolean;
  /** Rank of the last status a callback was sent for (queued 0, running 1, terminal 2). */
  notifiedRank: number;
  timer?: NodeJS.Timeout;
  chain: Promise<void>;
}

/** When a task runs: `start` = Infinity when it never does (cancelled or expired while queued). */
interface Slot {
  start: number;
  end: number;
  /** False when the task ends at its start without running (forced to expire). */
  ran: boolean;
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
  private seq = 0;
  private version = 0;
  private cache: { key: string; slots: Map<string, Slot> } | undefined;

  constructor(private readonly deps: TaskStoreDeps) {}

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  create(spec: TaskSpec): { id: string } {
    const opts = this.deps.options();
    const rng = this.deps.rng;
    const now = this.now();
    const id = newId('cgt', rng, now, (x) => this.tasks.has(x));
    const forced = this.deps.forcedOutcome() ?? undefined;
    const record: TaskRecord = {
      id,
      seq: this.seq++,
      spec,
      createdAt: now,
      readyAt: now + opts.taskQueuedMs * opts.timeScale,
      runMs: opts.taskRunningMs * opts.timeScale,
      expiresAt: now + spec.executionExpiresAfter * 1000 * opts.timeScale,
      // `adaptive` follows the input upstream; without decoding images the simulator answers 16:9.
      ratio: spec.ratio === 'adaptive' ? '16:9' : spec.ratio,
      duration: spec.duration === -1 ? rng.int(4, 15) : spec.duration,
      seed: spec.seed === -1 ? rng.int(0, 2 ** 31 - 1) : spec.seed,
      forced: forced ? { ...forced } : undefined,
      deleted: false,
      notifiedRank: -1,
      chain: Promise.resolve(),
    };
    this.tasks.set(id, record);
    this.version += 1;
    this.arm(record);
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
      this.version += 1;
      // No callback on cancelled (UPSTREAM.md §2); the freed place moves the tasks behind it.
      this.clearTimer(t);
      for (const other of this.tasks.values())
        if (poolOf(other) === poolOf(t) && other.seq > t.seq) this.arm(other);
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
    this.clearTimer(t);
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
      .sort((a, b) => b.createdAt - a.createdAt || b.seq - a.seq);
    const start = (pageNum - 1) * pageSize;
    return {
      total: matching.length,
      items: matching.slice(start, start + pageSize).map((t) => listItem(this.wire(t))),
    };
  }

  snapshot(): Record<string, unknown>[] {
    return this.live().map((t) => this.wire(t));
  }

  /**
   * Each live task's life in ms (creation, start and end of its run as scheduled; undefined while
   * unknown): what a test needs to count how many of a model's tasks were in flight at once.
   */
  timeline(): { id: string; model: string; createdAt: number; startAt?: number; endAt?: number }[] {
    const slots = this.slots();
    return this.live().map((t) => {
      const slot = slots.get(t.id);
      const known = slot && Number.isFinite(slot.start);
      return {
        id: t.id,
        model: t.spec.model,
        createdAt: t.createdAt,
        ...(known ? { startAt: slot.start, endAt: slot.end } : {}),
      };
    });
  }

  /** What each live task was created with: model, content (as sent) and the newer fields. */
  requests(): Record<string, unknown>[] {
    return this.live().map((t) => ({
      id: t.id,
      model: t.spec.model,
      content: structuredClone(t.spec.content),
      resolution: t.spec.resolution,
      ...structuredClone(t.spec.extras),
    }));
  }

  /**
   * What the account was charged: one line per task that succeeded (only those are billed), including
   * tasks whose records were deleted or aged out since, as a bill would.
   */
  usage(): Record<string, unknown>[] {
    const now = this.now();
    return [...this.tasks.values()]
      .filter((t) => t.cancelledAt === undefined && this.statusOf(t, now).status === 'succeeded')
      .sort((a, b) => a.seq - b.seq)
      .map((t) => {
        const tokens = this.tokensOf(t);
        return {
          id: t.id,
          model: t.spec.model,
          resolution: t.spec.resolution,
          ratio: t.ratio,
          duration: t.duration,
          videoInputSeconds: t.spec.videoSeconds,
          completion_tokens: tokens,
          total_tokens: tokens,
        };
      });
  }

  /** Whether a media link may be served: the task exists (deleted records keep their files) and succeeded. */
  mediaAvailable(id: string, kind: 'video' | 'frame'): boolean {
    const t = this.tasks.get(id);
    if (!t || this.statusOf(t).status !== 'succeeded') return false;
    return kind === 'video' || t.spec.returnLastFrame;
  }

  /** Options changed (slots, scale, callbacks): replay the schedule and re-arm every callback. */
  rescheduled(): void {
    this.version += 1;
    for (const t of this.tasks.values()) this.arm(t);
  }

  close(): void {
    this.closed = true;
    for (const t of this.tasks.values()) this.clearTimer(t);
  }

  // ---- internals ----

  private gone(t: TaskRecord, now: number): boolean {
    const scale = this.deps.options().timeScale;
    return (
      t.deleted ||
      now - t.createdAt > RECORD_TTL_MS * scale ||
      (t.cancelledAt !== undefined && now - t.cancelledAt > CANCELLED_TTL_MS * scale)
    );
  }

  private live(): TaskRecord[] {
    const now = this.now();
    return [...this.tasks.values()].filter((t) => !this.gone(t, now));
  }

  private find(id: string): TaskRecord {
    const t = this.tasks.get(id);
    if (!t || this.gone(t, this.now()))
      throw new SimArkError(404, 'ResourceNotFound', `The specified task ${id} is not found.`, 'id');
    return t;
  }

  /**
   * Replays every pool in creation order: a task starts when it is ready and a slot is free; cancelled
   * tasks and tasks that expire (or are forced to expire) before starting never take a slot.
   */
  private slots(): Map<string, Slot> {
    const slotsPerModel = this.deps.options().taskSlots;
    const key = `${this.version}:${slotsPerModel}`;
    if (this.cache?.key === key) return this.cache.slots;
    const free = new Map<string, number[]>();
    const out = new Map<string, Slot>();
    for (const t of [...this.tasks.values()].sort((a, b) => a.seq - b.seq)) {
      const pool = poolOf(t);
      let frees = free.get(pool);
      if (!frees) {
        frees = Array<number>(pool.endsWith('#4k') ? SLOTS_4K : slotsPerModel).fill(-Infinity);
        free.set(pool, frees);
      }
      let idx = 0;
      for (let i = 1; i < frees.length; i++) if ((frees[i] as number) < (frees[idx] as number)) idx = i;
      const start = Math.max(t.readyAt, frees[idx] as number);
      if (t.cancelledAt !== undefined || t.expiresAt <= start) {
        out.set(t.id, NEVER);
        continue;
      }
      if (t.forced?.status === 'expired') {
        // Forced to expire when it would have started: it gives the slot straight back.
        out.set(t.id, { start, end: start, ran: false });
        continue;
      }
      const end = Math.min(start + t.runMs, t.expiresAt);
      frees[idx] = end;
      out.set(t.id, { start, end, ran: true });
    }
    this.cache = { key, slots: out };
    return out;
  }

  private statusOf(t: TaskRecord, now = this.now()): StatusAt {
    if (t.cancelledAt !== undefined) return { status: 'cancelled', at: t.cancelledAt, error: null };
    const slot = this.slots().get(t.id) ?? NEVER;
    const expired = (at: number): StatusAt => ({
      status: 'expired',
      at,
      error: {
        code: t.forced?.code ?? 'TaskExpired',
        message: t.forced?.message ?? 'The task was not executed within execution_expires_after.',
      },
    });
    if (slot.start === Infinity)
      return now >= t.expiresAt ? expired(t.expiresAt) : { status: 'queued', at: t.createdAt, error: null };
    if (now < slot.start) return { status: 'queued', at: t.createdAt, error: null };
    if (t.forced?.status === 'expired') return expired(slot.start);
    if (now < slot.end) return { status: 'running', at: slot.start, error: null };
    if (slot.end < slot.start + t.runMs) return expired(slot.end);
    if (t.forced?.status === 'failed')
      return {
        status: 'failed',
        at: slot.end,
        error: {
          code: t.forced.code ?? 'InternalServiceError',
          message: t.forced.message ?? 'The video generation failed.',
        },
      };
    return { status: 'succeeded', at: slot.end, error: null };
  }

  /**
   * The Get body as it reads at `now`. Callbacks pass the moment of the change they report, and for
   * queued/running the phase itself, which may last 0 ms (a task that starts or ends at once).
   */
  private wire(t: TaskRecord, now = this.now(), phase?: 'queued' | 'running'): Record<string, unknown> {
    const s: StatusAt = phase
      ? { status: phase, at: phase === 'queued' ? t.createdAt : now, error: null }
      : this.statusOf(t, now);
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
      ...t.spec.extras,
    });
    if (s.status === 'succeeded') {
      const tokens = this.tokensOf(t);
      body.usage = { completion_tokens: tokens, total_tokens: tokens };
    }
    return body;
  }

  private tokensOf(t: TaskRecord): number {
    return taskTokens({
      resolution: t.spec.resolution,
      ratio: t.ratio,
      duration: t.duration,
      videoInputSeconds: t.spec.videoSeconds,
    });
  }

  // ---- callbacks ----

  /** The status changes a callback reports, with their moments: queued, running, then the end. */
  private changes(t: TaskRecord): { rank: number; at: number }[] {
    if (t.cancelledAt !== undefined) return [{ rank: 0, at: t.createdAt }];
    const slot = this.slots().get(t.id) ?? NEVER;
    if (slot.start === Infinity)
      return [
        { rank: 0, at: t.createdAt },
        { rank: 2, at: t.expiresAt },
      ];
    if (!slot.ran)
      return [
        { rank: 0, at: t.createdAt },
        { rank: 2, at: slot.start },
      ];
    return [
      { rank: 0, at: t.createdAt },
      { rank: 1, at: slot.start },
      { rank: 2, at: slot.end },
    ];
  }

  /** Sends what is due and sets one timer for the next change; cancelled tasks send nothing more. */
  private arm(t: TaskRecord): void {
    this.clearTimer(t);
    if (!t.spec.callbackUrl || this.closed || !this.deps.options().callbacks) return;
    if (t.cancelledAt !== undefined || t.deleted) return;
    const now = this.now();
    for (const c of this.changes(t)) {
      if (c.rank <= t.notifiedRank) continue;
      if (c.at > now) {
        t.timer = setTimeout(() => this.arm(t), Math.min(MAX_TIMER_MS, c.at - now + 1));
        t.timer.unref();
        return;
      }
      t.notifiedRank = c.rank;
      const body = this.wire(t, c.at, c.rank === 0 ? 'queued' : c.rank === 1 ? 'running' : undefined);
      // One task's callbacks go out one after another, so they arrive in the order of the changes.
      t.chain = t.chain.then(() => this.post(t, body));
    }
  }

  private clearTimer(t: TaskRecord): void {
    if (t.timer) clearTimeout(t.timer);
    t.timer = undefined;
  }

  /** POSTs one status; succeeded/failed are retried 3 times when not acknowledged with a 2xx in time. */
  private async post(t: TaskRecord, body: Record<string, unknown>): Promise<void> {
    const url = t.spec.callbackUrl;
    if (!url) return;
    const scale = this.deps.options().timeScale;
    const retries = body.status === 'succeeded' || body.status === 'failed' ? CALLBACK_RETRIES : 0;
    for (let i = 0; i <= retries && !this.closed; i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, CALLBACK_RETRY_GAP_MS * scale).unref());
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(Math.max(CALLBACK_ACK_FLOOR_MS, CALLBACK_ACK_MS * scale)),
        });
        await res.body?.cancel().catch(() => undefined);
        if (res.ok) return;
      } catch {
        // Unacknowledged: retried below, as upstream does.
      }
    }
  }
}

const NEVER: Slot = { start: Infinity, end: Infinity, ran: false };

const poolOf = (t: TaskRecord): string => (t.spec.resolution === '4k' ? `${t.spec.model}#4k` : t.spec.model);

/** List items carry `failure_reason` where Get carries `error` (official Go SDK ListContentGenerationTaskItem). */
function listItem(wire: Record<string, unknown>): Record<string, unknown> {
  const { error, ...rest } = wire;
  return error ? { ...rest, failure_reason: error } : rest;
}

function intQuery(q: URLSearchParams, name: string, def: number): number {
  const v = q.get(name);
  if (v === null || v === '') return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 500) throw invalidParam(name, 'must be an integer in 1..500');
  return n;
}
