/**
 * Renders benchmark results as Markdown. Each benchmark returns a plain record; this turns it into
 * sections without knowing the benchmark: scalars become a figure/value table, arrays of flat objects a
 * table, nested records a sub-section, and `notes` (string[]) a bullet list.
 */

export type Cell = string | number | boolean | null | undefined;

function escapeCell(v: Cell): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Math.round(v * 100) / 100);
  return String(v).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

export function table(headers: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const head = `| ${headers.map((h) => escapeCell(h)).join(' | ')} |`;
  const sep = `|${headers.map(() => '---').join('|')}|`;
  const body = rows.map((r) => `| ${headers.map((_, i) => escapeCell(r[i])).join(' | ')} |`);
  return [head, sep, ...body].join('\n');
}

function isScalar(v: unknown): v is Cell {
  return v === null || v === undefined || ['string', 'number', 'boolean'].includes(typeof v);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `timeToAllActiveMs` → `time to all active ms`: readable labels from camelCase keys. */
export function label(key: string): string {
  return key
    .replace(/KiB|MiB|QPS|Qps|Mb|MB/g, (unit) => `\u0000${unit}\u0000`)
    .split('\u0000')
    .map((part, i) =>
      i % 2 === 1
        ? ` ${part === 'Qps' ? 'QPS' : part === 'Mb' ? 'MB' : part} `
        : part
            .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
            .replace(/_/g, ' ')
            .toLowerCase(),
    )
    .join('')
    .replace(/\s+/g, ' ')
    .trim();
}

function cellOf(v: unknown): Cell {
  if (isScalar(v)) return v;
  if (Array.isArray(v) && v.every(isScalar)) return v.join(', ');
  return JSON.stringify(v);
}

function rowsTable(items: readonly Record<string, unknown>[]): string {
  const headers: string[] = [];
  for (const item of items) for (const k of Object.keys(item)) if (!headers.includes(k)) headers.push(k);
  return table(
    headers.map(label),
    items.map((item) => headers.map((h) => cellOf(item[h]))),
  );
}

/** Renders a record under a heading of the given level (2 = `##`). */
export function renderRecord(title: string, record: Record<string, unknown>, level = 2): string {
  const out: string[] = [`${'#'.repeat(Math.min(level, 6))} ${title}`, ''];
  const scalars: [string, Cell][] = [];
  const rest: [string, unknown][] = [];
  for (const [k, v] of Object.entries(record)) {
    if (k === 'title' || k === 'notes' || k === 'headline') continue;
    if (isScalar(v) || (Array.isArray(v) && v.every(isScalar))) scalars.push([k, cellOf(v)]);
    else rest.push([k, v]);
  }
  const notes = record.notes;
  if (Array.isArray(notes) && notes.length > 0) {
    out.push(...notes.map((n) => `- ${String(n)}`), '');
  }
  if (scalars.length > 0) {
    out.push(
      table(
        ['figure', 'value'],
        scalars.map(([k, v]) => [label(k), v]),
      ),
      '',
    );
  }
  for (const [k, v] of rest) {
    if (Array.isArray(v) && v.length > 0 && v.every(isRecord)) {
      out.push(`${'#'.repeat(Math.min(level + 1, 6))} ${label(k)}`, '', rowsTable(v), '');
    } else if (isRecord(v)) {
      out.push(renderRecord(label(k), v, level + 1), '');
    } else {
      out.push(
        `${'#'.repeat(Math.min(level + 1, 6))} ${label(k)}`,
        '',
        '```json',
        JSON.stringify(v, null, 2),
        '```',
        '',
      );
    }
  }
  return out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd();
}
