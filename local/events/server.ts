/**
 * The local EventBridge endpoint: PutEvents (AWS JSON 1.1, `AWSEvents.PutEvents`) through
 * `AWS_ENDPOINT_URL_EVENTBRIDGE`, so the handlers' publisher works unchanged. Each entry is matched
 * against the rules (the subset of event patterns our stack uses: `source`, `detail-type`, and
 * `detail.<field>` as lists of exact values or `{"prefix": …}`) and handed to each matching rule's
 * local target, one after another per target so a receiver sees a job's events in order. Entries
 * for another bus than the configured one are refused, as AWS does for an unknown bus.
 */
import { randomUUID } from 'node:crypto';
import { AwsServiceError, startAwsJsonServer, type AwsJsonServer } from '../sfn/aws-json';

export interface BusEvent {
  id: string;
  source: string;
  'detail-type': string;
  time: string;
  detail: unknown;
}

type Matcher = string | { prefix: string };
export interface EventPattern {
  source?: Matcher[];
  'detail-type'?: Matcher[];
  detail?: Record<string, Matcher[]>;
}

export interface LocalRule {
  name: string;
  pattern: EventPattern;
  target(event: BusEvent): Promise<void> | void;
}

export interface LocalEventBusOptions {
  busName: string;
  rules?: LocalRule[];
  host?: string;
  port?: number;
  /** A target that throws is logged here; EventBridge would retry it and then drop (or DLQ) it. */
  onTargetError?: (rule: string, e: unknown) => void;
}

export interface LocalEventBus extends AwsJsonServer {
  /** Every accepted event, in order (tests). */
  events: BusEvent[];
  addRule(rule: LocalRule): void;
  removeRule(name: string): void;
  /** Resolves when every target has handled what was put so far. */
  drain(): Promise<void>;
}

function matchOne(value: unknown, matchers: Matcher[]): boolean {
  return matchers.some((m) =>
    typeof m === 'string' ? value === m : typeof value === 'string' && value.startsWith(m.prefix),
  );
}

export function matches(pattern: EventPattern, e: BusEvent): boolean {
  if (pattern.source && !matchOne(e.source, pattern.source)) return false;
  if (pattern['detail-type'] && !matchOne(e['detail-type'], pattern['detail-type'])) return false;
  for (const [field, matchers] of Object.entries(pattern.detail ?? {})) {
    const v =
      e.detail && typeof e.detail === 'object' ? (e.detail as Record<string, unknown>)[field] : undefined;
    if (!matchOne(v, matchers)) return false;
  }
  return true;
}

export async function startLocalEventBus(opts: LocalEventBusOptions): Promise<LocalEventBus> {
  const rules = new Map<string, LocalRule>((opts.rules ?? []).map((r) => [r.name, r]));
  const events: BusEvent[] = [];
  const queues = new Map<string, Promise<void>>();
  const deliver = (rule: LocalRule, e: BusEvent) => {
    const prev = queues.get(rule.name) ?? Promise.resolve();
    const next = prev
      .then(() => rule.target(e))
      .catch((err: unknown) => opts.onTargetError?.(rule.name, err));
    queues.set(rule.name, next);
  };
  const server = await startAwsJsonServer({
    targetPrefix: 'AWSEvents',
    contentType: 'application/x-amz-json-1.1',
    host: opts.host,
    port: opts.port,
    actions: {
      PutEvents: (b) => {
        const entries = Array.isArray(b.Entries) ? (b.Entries as Record<string, unknown>[]) : [];
        if (entries.length === 0 || entries.length > 10)
          throw new AwsServiceError('ValidationException', 'Entries must hold 1 to 10 events');
        const out = entries.map((entry) => {
          const bus = typeof entry.EventBusName === 'string' ? entry.EventBusName : 'default';
          const busName = bus.includes('/') ? bus.slice(bus.lastIndexOf('/') + 1) : bus;
          if (busName !== opts.busName)
            return {
              ErrorCode: 'ResourceNotFoundException',
              ErrorMessage: `Event bus ${bus} does not exist.`,
            };
          let detail: unknown;
          try {
            detail = JSON.parse(String(entry.Detail ?? '{}')) as unknown;
          } catch {
            return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is not valid JSON' };
          }
          const time = typeof entry.Time === 'number' ? new Date(entry.Time * 1000) : new Date();
          const e: BusEvent = {
            id: randomUUID(),
            source: String(entry.Source ?? ''),
            'detail-type': String(entry.DetailType ?? ''),
            time: time.toISOString(),
            detail,
          };
          events.push(e);
          for (const rule of rules.values()) if (matches(rule.pattern, e)) deliver(rule, e);
          return { EventId: e.id };
        });
        return { FailedEntryCount: out.filter((o) => 'ErrorCode' in o).length, Entries: out };
      },
    },
  });
  return {
    ...server,
    events,
    addRule: (rule) => rules.set(rule.name, rule),
    removeRule: (name) => rules.delete(name),
    drain: async () => {
      await Promise.all(queues.values());
    },
  };
}
