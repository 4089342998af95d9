/**
 * Upload and video records as the state table holds them, and the port the use cases reach the table
 * through (functions/shared/dynamodb.ts implements it; tests may use dynalite behind the same adapter).
 * No AWS types: a query names an index of ./table.ts and gets back opaque positions to resume from.
 */
import type { VideoStatus } from '../api-schemas/videos';
import type { MediaEntry } from '../video/content';
import type { VideoResult } from '../video/job';
import type { UsageEntry } from '../usage/ledger';
import type { IndexName, RecordKind } from './table';
import type { StoredUploadStatus } from './transitions';

export interface RecordError {
  code: string;
  message: string;
  /** What the person should do about it (uploads: re-upload, another image, …). */
  hint?: string;
}

interface RecordBase {
  kind: RecordKind;
  id: string;
  status: string;
  rank: number;
  /** ISO-8601: when the job was asked for (the video's `requestedAt`, the upload's POST). */
  createdAt: string;
  /** ISO-8601 of the last accepted write. */
  updatedAt: string;
  finishedAt?: string;
  error?: RecordError;
}

export interface VideoRecord extends RecordBase {
  kind: 'video';
  status: VideoStatus;
  /** sha256 of the validated body: an Idempotency-Key replay must match it. */
  fingerprint?: string;
  model?: string;
  /** Groups of the library assets the request references (GET /videos?groupId=). */
  groupIds?: string[];
  taskId?: string;
  /** While `queued` for our budget (no task yet): the place in line (1 = next) and the estimate. */
  queuePosition?: number;
  estimatedStartAt?: string;
  /** Upstream's status as it said it (`processing`...). */
  rawStatus?: string;
  result?: VideoResult;
  /** What DELETE needs to recognise our task upstream when no task ID is known (find-task.ts). */
  taskLookup?: TaskLookupFacts;
  /** What the prompt calls each media item ({groupId} expanded): answered on GET and on a replay. */
  media?: MediaEntry[];
  /** The caller's `metadata`, echoed on GET. */
  metadata?: Record<string, unknown>;
  /** The IAM principal (ARN) that asked for the video: GET /usage?groupBy=caller. */
  caller?: string;
  /** The cost ledger's line, written when the video succeeds (functions/core/usage/ledger.ts). */
  usage?: UsageEntry;
}

export interface TaskLookupFacts {
  model: string;
  seed?: number;
  ratio?: string;
  resolution?: string;
  duration?: number;
  /** False when the caller fixed the seed: a look-alike is then never ours. */
  seedIsOurs: boolean;
}

export interface UploadRecord extends RecordBase {
  kind: 'upload';
  status: StoredUploadStatus;
  groupId: string;
  fileName?: string;
  contentType?: string;
  contentLength?: number;
  /** When the presigned POST stops being accepted. */
  uploadExpiresAt?: string;
  /** While `queued` for upstream budget: the place in line (1 = next) and the honest estimate. */
  queuePosition?: number;
  estimatedStartAt?: string;
  assetId?: string;
  assetUri?: string;
}

export type JobRecord = VideoRecord | UploadRecord;

/** A write at a transition: the fields it sets, and those it sets only on a record that lacks them. */
export interface RecordChange {
  kind: RecordKind;
  id: string;
  status: string;
  rank: number;
  at: Date;
  /** Fields the write sets (besides status, rank and updatedAt). */
  set: Record<string, unknown>;
  /**
   * Fields a write creates a missing record with but never overwrites (createdAt, groupId...), so a
   * step that runs before the API's own write (or after its failure) still leaves a listable record.
   */
  setIfMissing: Record<string, unknown>;
}

/** Opaque resume point of a query (the index keys of an item); only the adapter looks inside. */
export type Position = Record<string, string>;

export interface RecordQuery {
  index: IndexName;
  /** Partition key value of the index (`video`, `video#queued`, `upload#<groupId>`). */
  partition: string;
  /** Inclusive bounds on createdKey. */
  from?: string;
  to?: string;
  /** Only records whose `groupIds` contain this group (evaluated after the key condition). */
  withGroup?: string;
  newestFirst: boolean;
  limit: number;
  after?: Position;
}

export interface RecordPage {
  items: { record: JobRecord; position: Position }[];
  /** Present while the query has more to read (DynamoDB's LastEvaluatedKey). */
  next?: Position;
}

export interface RecordStore {
  get(kind: RecordKind, id: string): Promise<JobRecord | undefined>;
  /** Creates the record unless one exists; false when it does (the existing one wins). */
  create(record: JobRecord, ttlSeconds: number): Promise<boolean>;
  /** Removes a record still at `rank` (undoing a create whose job never started). */
  removeIfRank(kind: RecordKind, id: string, rank: number): Promise<void>;
  /** Applies the change unless the record is further on; false when it was refused. */
  advance(change: RecordChange, ttlSeconds: number): Promise<boolean>;
  query(q: RecordQuery): Promise<RecordPage>;
}

/** What a read-only route needs of the state table (its role may not write either). */
export type RecordReader = Pick<RecordStore, 'get' | 'query'>;
