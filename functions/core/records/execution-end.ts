/**
 * The end of a Step Functions execution as the status-change event tells it (EventBridge
 * "Step Functions Execution Status Change"; the local stack sends the same), without AWS types. It is
 * the write for the ends no step sees: Fail states, retries run out, the backstop timeout, a stop.
 */
export interface ExecutionEnd {
  /** The execution name: the job's ID. */
  name: string;
  status: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | string;
  startDate?: Date;
  stopDate?: Date;
  input?: string;
  output?: string;
  error?: string;
  cause?: string;
}

export function parseJson<T>(json: string | undefined): T | undefined {
  if (!json) return undefined;
  try {
    const v = JSON.parse(json) as unknown;
    return v && typeof v === 'object' ? (v as T) : undefined;
  } catch {
    return undefined;
  }
}
