/**
 * The state table's layout: one table for upload and video records (and, later, webhooks and budgets),
 * keyed by `pk = <kind>#<id>`. The CDK construct, the local stack and the DynamoDB adapter all read it
 * from here, so the indexes a query names are the indexes the table has.
 *
 * One table rather than one per kind: every record shares the TTL, the backup and the key shape, and
 * the indexes carry a kind prefix in their partition key, so kinds never mix in a query.
 *   byCreated  kind          + createdKey   videos newest first, time ranges
 *   byStatus   kindStatus    + createdKey   videos of one status, newest first
 *   byGroup    kindGroup     + createdKey   uploads of one group, newest first
 * `createdKey` is `<ISO createdAt>#<id>`: ISO-8601 UTC sorts as text, and the ID breaks ties.
 */
export type RecordKind = 'video' | 'upload';

export const TABLE_KEY = 'pk';
/** Epoch seconds after which DynamoDB deletes the record (TTL). */
export const TTL_ATTRIBUTE = 'purgeAt';

export const INDEXES = {
  byCreated: { name: 'byCreated', partitionKey: 'kind', sortKey: 'createdKey' },
  byStatus: { name: 'byStatus', partitionKey: 'kindStatus', sortKey: 'createdKey' },
  byGroup: { name: 'byGroup', partitionKey: 'kindGroup', sortKey: 'createdKey' },
  /**
   * Sparse: only records whose outbox holds events not yet published (`outboxState` = `pending`,
   * `outboxAt` = when the oldest was written), what the publisher's sweep reads.
   */
  byOutbox: { name: 'byOutbox', partitionKey: 'outboxState', sortKey: 'outboxAt' },
} as const;
export type IndexName = keyof typeof INDEXES;

/**
 * The only attributes GET /usage reads (a projection, and the IAM condition of its grant): the keys,
 * the video's ID, creation time and caller, and its ledger line.
 */
export const USAGE_ATTRIBUTES = [
  TABLE_KEY,
  'kind',
  'createdKey',
  'id',
  'createdAt',
  'caller',
  'usage',
] as const;

export const recordKey = (kind: RecordKind, id: string): string => `${kind}#${id}`;
/**
 * A real-person session's item (functions/shared/real-person-store.ts): not a job record, so it carries
 * none of the index attributes and never appears in a listing.
 */
export const realPersonKey = (sessionId: string): string => `real-person#${sessionId}`;
/**
 * Helper items beside a video record (functions/core/callbacks/waits.ts). They carry no `kind`, so
 * no index ever lists them.
 */
export const callbackWaitKey = (videoId: string): string => `wait#${videoId}`;
export const fetchedTaskKey = (videoId: string): string => `fetched#${videoId}`;
/**
 * Push items (functions/core/webhooks, functions/core/events). They reuse the three indexes under
 * their own partition values, so they never mix with job records in a query:
 *   webhook#<id>       a registered endpoint      byCreated `webhook`, newest first (GET /webhooks)
 *   event#<eventId>    the event log              byCreated `event` by time (replay ranges)
 *   delivery#<msgId>   one event to one endpoint  byGroup `delivery#<endpointId>#<jobId>` by event
 *                                                 time (in-order delivery per job); byStatus
 *                                                 `delivery#dead` (dead letters)
 */
export const webhookKey = (endpointId: string): string => `webhook#${endpointId}`;
export const eventKey = (eventId: string): string => `event#${eventId}`;
export const deliveryKey = (msgId: string): string => `delivery#${msgId}`;
export const WEBHOOK_PARTITION = 'webhook';
export const EVENT_PARTITION = 'event';
/** The outbox of a record: its events not yet on the bus (see byOutbox). */
export const OUTBOX_ATTRIBUTE = 'outbox';
export const OUTBOX_PENDING = 'pending';
export const deliveryJobPartition = (endpointId: string, jobId: string): string =>
  `delivery#${endpointId}#${jobId}`;
export const deliveryStatusPartition = (state: string): string => `delivery#${state}`;
export const createdKey = (createdAt: string, id: string): string => `${createdAt}#${id}`;
export const statusKey = (kind: RecordKind, status: string): string => `${kind}#${status}`;
export const groupKey = (kind: RecordKind, groupId: string): string => `${kind}#${groupId}`;
