/** Upstream task statuses → the closed union the workflows branch on. */
import type { TaskStatus } from './types';

export const TASK_STATUSES: readonly TaskStatus[] = [
  'queued',
  'running',
  'succeeded',
  'failed',
  'cancelled',
  'expired',
];

export const TERMINAL_STATUSES: readonly TaskStatus[] = ['succeeded', 'failed', 'cancelled', 'expired'];

/**
 * Exact, case-insensitive match on the six documented values; `processing` (some gateways) and anything
 * unknown count as `running`, so a poll loop keeps going until its own deadline instead of failing.
 */
export function normaliseTaskStatus(raw: unknown): TaskStatus {
  const s = typeof raw === 'string' ? raw.trim().toLowerCase() : '';
  if (s === 'canceled') return 'cancelled';
  return TASK_STATUSES.find((t) => t === s) ?? 'running';
}

export function isTerminalStatus(status: TaskStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}
