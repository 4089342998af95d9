/**
 * The business metrics a record transition stands for. Every status change of an upload or a video
 * passes through the state table's adapter, which hands this function the change and what the record
 * held before it (DynamoDB's ALL_OLD), so outcomes, queue times and delays are counted in one place and
 * once: a refused write (a retry, a replayed end event) counts nothing.
 */
import type { RecordChange } from '../records';
import { point, type MetricPoint } from './catalogue';

const UPLOAD_ENDS = new Set(['active', 'failed', 'rejected', 'expired']);
const VIDEO_ENDS = new Set(['succeeded', 'failed', 'cancelled', 'expired', 'timed_out']);

type Before = Record<string, unknown> | undefined;

const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

/** Seconds from an ISO instant to `at`; undefined for a missing, unreadable or future instant. */
function secondsSince(iso: unknown, at: Date): number | undefined {
  const from = typeof iso === 'string' ? Date.parse(iso) : Number.NaN;
  const s = (at.getTime() - from) / 1000;
  return Number.isFinite(s) && s >= 0 ? s : undefined;
}

function errorCode(change: RecordChange): string {
  const error = change.set.error as { code?: unknown } | undefined;
  return str(error?.code) ?? 'none';
}

/** When the job first entered `queued` (the adapter keeps `queuedAt`), else when it was created. */
const queuedSince = (before: Before): unknown => before?.queuedAt ?? before?.createdAt;

export function transitionMetrics(change: RecordChange, before: Before): MetricPoint[] {
  const out: MetricPoint[] = [];
  const previous = str(before?.status);
  const add = (p: MetricPoint, value: number | undefined) => {
    if (value !== undefined) out.push({ ...p, value });
  };
  const leftQueue = previous === 'queued' && change.status !== 'queued';
  if (change.kind === 'upload') {
    if (change.status === 'queued' && previous === 'queued')
      add(point('queueAge', 0, { kind: 'upload' }), secondsSince(queuedSince(before), change.at));
    if (leftQueue) {
      const waited = secondsSince(queuedSince(before), change.at);
      add(point('timeQueued', 0, { kind: 'upload' }), waited);
      add(point('governorWait', 0, { budget: 'CreateAsset' }), waited);
    }
    if (UPLOAD_ENDS.has(change.status) && previous !== change.status) {
      out.push(point('uploads', 1, { outcome: change.status, reason: errorCode(change) }));
      if (change.status === 'active')
        add(
          point('timeToActive', 0, {}),
          secondsSince(before?.createdAt ?? change.setIfMissing.createdAt, change.at),
        );
    }
    return out;
  }
  if (leftQueue) add(point('timeQueued', 0, { kind: 'video' }), secondsSince(queuedSince(before), change.at));
  if (VIDEO_ENDS.has(change.status) && previous !== change.status) {
    const result = change.set.result as { model?: unknown; finishedAt?: unknown } | undefined;
    const model =
      str(before?.model) ?? str(change.set.model) ?? str(change.setIfMissing.model) ?? str(result?.model);
    out.push(point('videos', 1, { outcome: change.status, model: model ?? 'unknown' }));
    if (change.status === 'succeeded')
      add(point('noticeDelay', 0, {}), secondsSince(result?.finishedAt, change.at));
  }
  return out;
}
