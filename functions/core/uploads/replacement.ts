/**
 * A second object event for an upload whose ingest already started is either S3's at-least-once
 * delivery of the same object or someone re-posting the (still valid) form with other bytes. The
 * pinned copy's `source-etag` tells them apart. Without a pin, a running execution is still
 * validating: its conditional reads and copy pin whatever it checked or fail (and the ASL quarantines
 * what is there); a finished one without a pin (a rejected upload) never will, so an object posted
 * after it would stay in incoming/ unchecked — it is a replacement too.
 */
import { bareETag } from '../storage-layout';

export type LaterObject = 'duplicate' | 'replaced' | 'left-to-validation';

export function judgeLaterObject(
  pinnedSourceETag: string | undefined,
  eventETag: string | undefined,
  running: boolean,
): LaterObject {
  if (pinnedSourceETag === undefined) return running ? 'left-to-validation' : 'replaced';
  return bareETag(pinnedSourceETag) === bareETag(eventETag) ? 'duplicate' : 'replaced';
}

export const REPLACED_MESSAGE =
  'a different file was posted over this upload after its ingest started; it was quarantined and never registered';
