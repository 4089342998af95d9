/**
 * How the CLI shows things to people: aligned tables, key/value blocks, durations, sizes and errors.
 * (`--json` bypasses all of this.) Plain string building: a table library would be the largest
 * dependency of the CLI for a dozen lines of padding.
 */
import type { ApiErrorBody } from './api-types';

export interface Column<T> {
  header: string;
  value: (row: T) => string | number | undefined | null;
}

/** Left-aligned columns separated by two spaces; empty cells shown as `-`. */
export function renderTable<T>(columns: Column<T>[], rows: readonly T[]): string {
  const cells = rows.map((r) => columns.map((c) => cellText(c.value(r))));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((row) => row[i]?.length ?? 0)));
  const line = (parts: string[]) =>
    parts
      .map((p, i) => (i === parts.length - 1 ? p : p.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), ...cells.map(line)].join('\n');
}

function cellText(v: string | number | undefined | null): string {
  if (v === undefined || v === null || v === '') return '-';
  return String(v).replace(/\s+/g, ' ');
}

/** `key: value` lines in the object's order; nested values as compact JSON. */
export function renderKeyValues(obj: Record<string, unknown>): string {
  const entries = Object.entries(obj).filter(([, v]) => v !== undefined);
  const width = Math.max(0, ...entries.map(([k]) => k.length));
  return entries
    .map(([k, v]) => `${`${k}:`.padEnd(width + 1)} ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join('\n');
}

/** 4.2s, 1m 05s, 1h 02m. */
export function formatElapsed(ms: number): string {
  const s = Math.max(0, ms) / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  const whole = Math.floor(s);
  if (whole < 3600) return `${Math.floor(whole / 60)}m ${String(whole % 60).padStart(2, '0')}s`;
  return `${Math.floor(whole / 3600)}h ${String(Math.floor((whole % 3600) / 60)).padStart(2, '0')}m`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

export interface DisplayError {
  code: string;
  message: string;
  hint?: string;
  requestId?: string;
  status?: number;
}

/** The lines printed on failure: code and message, then the hint and request ID when known. */
export function formatError(e: DisplayError): string {
  const lines = [`Error: ${e.code}: ${e.message}`];
  if (e.hint) lines.push(`Hint: ${e.hint}`);
  if (e.requestId) lines.push(`Request ID: ${e.requestId}`);
  return lines.join('\n');
}

/** A rejected upload or failed job's reason in one line, including listed sub-reasons if any. */
export function formatReason(err: ApiErrorBody | undefined): string {
  if (!err) return 'no reason given';
  const reasons = reasonList(err.details);
  const head = `${err.code}: ${err.message}`;
  return reasons.length > 0 ? `${head} (${reasons.join('; ')})` : head;
}

function reasonList(details: unknown): string[] {
  if (typeof details !== 'object' || details === null) return [];
  const d = details as Record<string, unknown>;
  const list = Array.isArray(d.reasons) ? d.reasons : Array.isArray(d.problems) ? d.problems : [];
  return list.map((r) =>
    typeof r === 'string'
      ? r
      : typeof r === 'object' && r !== null && 'message' in r
        ? String((r as { message: unknown }).message)
        : JSON.stringify(r),
  );
}

export const shortDate = (iso: string | undefined): string =>
  iso === undefined ? '' : iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, 'Z');
