/**
 * The one list of business metrics: name, unit and dimensions of each. Emitted as CloudWatch EMF
 * lines (functions/shared/metrics.ts) under the stack's namespace, read by the dashboard and the
 * alarms (lib/constructs/dashboard.ts, lib/constructs/monitoring.ts) from this same table, so a name
 * can never drift between the code that writes it and the graph that reads it.
 *
 * Dimensions are bounded sets: outcomes are statuses, reasons are codes of the error catalogues or
 * upstream's asset failure codes, operations are upstream action names, models are the model table's IDs.
 */
export type MetricUnit = 'Count' | 'Seconds' | 'Bytes';

export interface MetricDefinition {
  name: string;
  unit: MetricUnit;
  dimensions: readonly string[];
  description: string;
}

const metric = <const D extends readonly string[]>(
  name: string,
  unit: MetricUnit,
  dimensions: D,
  description: string,
) => ({ name, unit, dimensions, description });

export const METRICS = {
  uploads: metric(
    'Uploads',
    'Count',
    ['outcome', 'reason'],
    'Uploads that ended, by final status (active, failed, rejected, expired) and reason code (none when active).',
  ),
  timeQueued: metric(
    'TimeQueued',
    'Seconds',
    ['kind'],
    'Time a job spent queued: an upload waiting for CreateAsset budget, a video waiting upstream for a task slot.',
  ),
  queueAge: metric(
    'QueueAge',
    'Seconds',
    ['kind'],
    'Age of a job still queued, written at each of its wake-ups: the maximum is the oldest waiting job.',
  ),
  timeToActive: metric(
    'UploadTimeToActive',
    'Seconds',
    [],
    'From POST …/uploads to the asset Active upstream.',
  ),
  upstreamCalls: metric(
    'UpstreamCalls',
    'Count',
    ['operation'],
    'Upstream calls by action, answered or not.',
  ),
  upstreamThrottles: metric(
    'UpstreamThrottles',
    'Count',
    ['operation'],
    'Upstream calls refused as throttled (by code, whatever the HTTP status), by action (CreateAsset, CreateTask…).',
  ),
  videos: metric('Videos', 'Count', ['outcome', 'model'], 'Videos that ended, by final status and model.'),
  noticeDelay: metric(
    'NoticeDelay',
    'Seconds',
    [],
    "From upstream's task finish (its updated_at) to the video succeeded here, the MP4 copy to S3 included.",
  ),
  bytesSaved: metric(
    'BytesSaved',
    'Bytes',
    ['kind'],
    'Bytes copied into the bucket from upstream links (video, lastFrame).',
  ),
  webhookDeliveries: metric(
    'WebhookDeliveries',
    'Count',
    ['outcome'],
    'Webhook delivery attempts by outcome (delivered, failed, dead_lettered, disabled).',
  ),
  governorWait: metric(
    'GovernorWait',
    'Seconds',
    ['budget'],
    "Time a job waited for the account-wide governor's budget before its upstream call (budget: CreateAsset).",
  ),
} as const satisfies Record<string, MetricDefinition>;

export type MetricKey = keyof typeof METRICS;

type DimensionsOf<K extends MetricKey> = Record<(typeof METRICS)[K]['dimensions'][number], string>;

/** One data point of metric `K`, with exactly the dimensions its definition names. */
export interface PointOf<K extends MetricKey> {
  metric: K;
  value: number;
  dimensions: DimensionsOf<K>;
}

/** A data point of any metric of the catalogue. */
export type MetricPoint = { [K in MetricKey]: PointOf<K> }[MetricKey];

export const point = <K extends MetricKey>(
  metric: K,
  value: number,
  dimensions: DimensionsOf<K>,
): PointOf<K> => ({
  metric,
  value,
  dimensions,
});

/** Where points go (functions/shared/metrics.ts writes EMF); it never throws into the caller. */
export interface MetricsPort {
  emit(points: readonly MetricPoint[]): void;
}

/** Outcomes of a webhook delivery attempt, for the webhook dispatcher (metric `WebhookDeliveries`). */
export const WEBHOOK_OUTCOMES = ['delivered', 'failed', 'dead_lettered', 'disabled'] as const;

/** The default namespace; the stack sets `POWERTOOLS_METRICS_NAMESPACE` to `Seedance/<stack name>`. */
export const DEFAULT_METRICS_NAMESPACE = 'Seedance';
/** One service dimension for every function, so each metric has one dimension set to graph and alarm on. */
export const METRICS_SERVICE = 'seedance';
