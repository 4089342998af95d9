/**
 * Client for Seedance video generation tasks (Ark data plane, here through the APIYI gateway): create,
 * get, list, cancel. Plain fetch with a Bearer token resolved per call (rotation), `Accept-Encoding:
 * identity` because the gateway mislabels gzip, the `{error:{code,message}}` envelope as UpstreamError
 * (service `ark`), and statuses normalised to the closed TaskStatus union (raw value kept).
 */
import { UpstreamError } from '../errors';
import { httpJson, isRecord, malformed, requestIdFromHeaders, scrubMessage, unexpected } from '../http';
import type { FetchFn, HttpAnswer } from '../http';
import { normaliseTaskStatus } from './status';
import type { CreateTaskInput, ListTasksQuery, TaskList, VideoTask } from './types';

export const TASKS_PATH = '/api/v3/contents/generations/tasks';

export type VideoOperation = 'CreateTask' | 'GetTask' | 'ListTasks' | 'DeleteTask';

export interface VideoClientOptions {
  /** `https://api.apiyi.com/seedance`, `https://ark.cn-beijing.volces.com`, or the simulator's `/seedance`. */
  baseUrl: string;
  apiToken: string | (() => Promise<string>);
  timeoutMs?: number;
  fetch?: FetchFn;
}

type Wire = Record<string, unknown>;

const optStr = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const optNum = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? v : undefined;

/**
 * A task's failure: Get answers `error:{code,message}`; List items may carry `failure_reason` instead
 * (an object like `error` in the Go SDK, a plain string in the Python SDK). `error` wins when both come.
 */
export function taskFailure(w: Wire): VideoTask['error'] {
  for (const v of [w.error, w.failure_reason]) {
    if (isRecord(v) && (v.code || v.message))
      return { code: String(v.code ?? ''), message: String(v.message ?? '') };
    if (typeof v === 'string' && v.trim()) return { code: '', message: v.trim() };
  }
  return isRecord(w.error) ? { code: '', message: '' } : null;
}

/** snake_case wire task → VideoTask; optional fields only when present. */
export function toVideoTask(w: Wire): VideoTask {
  const rawStatus = optStr(w.status) ?? '';
  const task: VideoTask = {
    id: optStr(w.id) ?? '',
    model: optStr(w.model) ?? '',
    status: normaliseTaskStatus(rawStatus),
    rawStatus,
    error: taskFailure(w),
    createdAt: optNum(w.created_at) ?? 0,
    updatedAt: optNum(w.updated_at) ?? optNum(w.created_at) ?? 0,
  };
  const content = isRecord(w.content) ? w.content : {};
  const videoUrl = optStr(content.video_url);
  if (videoUrl) task.videoUrl = videoUrl;
  const lastFrameUrl = optStr(content.last_frame_url);
  if (lastFrameUrl) task.lastFrameUrl = lastFrameUrl;
  const seed = optNum(w.seed);
  if (seed !== undefined) task.seed = seed;
  const resolution = optStr(w.resolution);
  if (resolution) task.resolution = resolution;
  const ratio = optStr(w.ratio);
  if (ratio) task.ratio = ratio;
  const duration = optNum(w.duration);
  if (duration !== undefined) task.duration = duration;
  if (isRecord(w.usage))
    task.usage = {
      completionTokens: optNum(w.usage.completion_tokens) ?? 0,
      totalTokens: optNum(w.usage.total_tokens) ?? 0,
    };
  const expires = optNum(w.execution_expires_after);
  if (expires !== undefined) task.executionExpiresAfter = expires;
  return task;
}

export class VideoClient {
  private readonly base: string;
  private readonly timeoutMs: number;

  constructor(private readonly opts: VideoClientOptions) {
    this.base = opts.baseUrl.replace(/\/+$/, '') + TASKS_PATH;
    this.timeoutMs = opts.timeoutMs ?? 15_000;
  }

  async createTask(input: CreateTaskInput): Promise<{ id: string }> {
    const { json, answer } = await this.send('CreateTask', 'POST', this.base, input);
    const id = isRecord(json) ? optStr(json.id) : undefined;
    if (!id) throw malformed({ service: 'ark', operation: 'CreateTask' }, answer, 'no task id');
    return { id };
  }

  async getTask(id: string): Promise<VideoTask> {
    const { json, answer } = await this.send('GetTask', 'GET', `${this.base}/${encodeURIComponent(id)}`);
    if (!isRecord(json) || !optStr(json.id))
      throw malformed({ service: 'ark', operation: 'GetTask' }, answer, 'no task');
    return toVideoTask(json);
  }

  async listTasks(q: ListTasksQuery = {}): Promise<TaskList> {
    const params = new URLSearchParams();
    if (q.pageNum !== undefined) params.set('page_num', String(q.pageNum));
    if (q.pageSize !== undefined) params.set('page_size', String(q.pageSize));
    if (q.status) params.set('filter.status', q.status);
    for (const id of q.taskIds ?? []) params.append('filter.task_ids', id);
    if (q.model) params.set('filter.model', q.model);
    const qs = params.toString();
    const { json, answer } = await this.send('ListTasks', 'GET', qs ? `${this.base}?${qs}` : this.base);
    if (!isRecord(json) || !Array.isArray(json.items))
      throw malformed({ service: 'ark', operation: 'ListTasks' }, answer, 'no items');
    const items = json.items.filter(isRecord).map(toVideoTask);
    return { total: optNum(json.total) ?? items.length, items };
  }

  /** Queued → cancelled; finished → record deleted; running/cancelled → the service refuses (an UpstreamError). */
  async cancelTask(id: string): Promise<void> {
    await this.send('DeleteTask', 'DELETE', `${this.base}/${encodeURIComponent(id)}`);
  }

  private async token(): Promise<string> {
    const t = this.opts.apiToken;
    return typeof t === 'function' ? t() : t;
  }

  private async send(
    operation: VideoOperation,
    method: 'GET' | 'POST' | 'DELETE',
    url: string,
    body?: unknown,
  ): Promise<{ json: unknown; answer: HttpAnswer }> {
    const token = await this.token();
    const headers: Record<string, string> = {
      Authorization: `Bearer ${token}`,
      Accept: 'application/json',
      'Accept-Encoding': 'identity',
    };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const call = { service: 'ark' as const, operation };
    const answer = await httpJson({
      ...call,
      url,
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      timeoutMs: this.timeoutMs,
      fetch: this.opts.fetch,
    });
    if (answer.notJson)
      throw answer.ok ? malformed(call, answer, 'a body that is not JSON') : unexpected(call, answer);
    const err = isRecord(answer.json) && isRecord(answer.json.error) ? answer.json.error : undefined;
    // A task's own `error` field rides on a 200 GetTask; only an error status (or a 2xx carrying nothing
    // but an error) is a failed call.
    const envelopeOnly =
      isRecord(answer.json) && answer.json.id === undefined && answer.json.items === undefined;
    if (err && (!answer.ok || envelopeOnly)) {
      const code =
        typeof err.code === 'string' && err.code
          ? err.code
          : typeof err.type === 'string' && err.type
            ? err.type
            : `Http${answer.status}`;
      throw new UpstreamError({
        service: 'ark',
        code,
        status: answer.status,
        operation,
        requestId: requestIdFromHeaders(answer.headers),
        message: scrubMessage(
          typeof err.message === 'string' && err.message ? err.message : `${operation} failed with ${code}`,
          [token],
        ),
      });
    }
    if (!answer.ok) throw unexpected(call, answer);
    return { json: answer.json, answer };
  }
}
