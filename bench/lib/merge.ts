/**
 * `npm run bench -- --only <ids>` re-runs a few benchmarks; this folds their fresh rendering into the
 * existing BENCHMARKS.md instead of replacing the file, so one slow section can be re-measured without
 * the others (their figures stay those of the run that made them, and the file says which is which).
 */

interface Block {
  heading: string | undefined;
  lines: string[];
}

function blocks(markdown: string): Block[] {
  const out: Block[] = [{ heading: undefined, lines: [] }];
  for (const line of markdown.split('\n')) {
    if (line.startsWith('## ')) out.push({ heading: line, lines: [] });
    else (out[out.length - 1] as Block).lines.push(line);
  }
  return out;
}

const idOfSection = (heading: string | undefined): string | undefined =>
  heading ? /^## ([\w-]+): /.exec(heading)?.[1] : undefined;

const firstCell = (line: string): string | undefined =>
  line.startsWith('| ') ? line.slice(2).split(' | ')[0]?.trim() : undefined;

/** Table rows keyed by benchmark id: the fresh ones replace the old ones of the same ids, in `order`. */
function mergeTable(old: Block, fresh: Block | undefined, ids: readonly string[], order: readonly string[]) {
  const isRow = (l: string) => {
    const id = firstCell(l);
    return id !== undefined && order.includes(id);
  };
  const rank = (l: string) => order.indexOf(firstCell(l) ?? '');
  const kept = old.lines.filter((l) => isRow(l) && !ids.includes(firstCell(l) ?? ''));
  const added = (fresh?.lines ?? []).filter((l) => isRow(l) && ids.includes(firstCell(l) ?? ''));
  const rows = [...kept, ...added].sort((a, b) => rank(a) - rank(b));
  const at = old.lines.findIndex(isRow);
  const rest = old.lines.filter((l) => !isRow(l));
  const insertAt = at >= 0 ? at : rest.findIndex((l) => l.startsWith('|---')) + 1;
  return { heading: old.heading, lines: [...rest.slice(0, insertAt), ...rows, ...rest.slice(insertAt)] };
}

const PARTIAL_NOTE = /^Re-run with `--only`:.*$/;

/**
 * The note naming every section re-run since the last whole run, each with its time: the ids of this
 * run replace their earlier entries, the others are kept (so the note stays true after several runs).
 */
export function partialNote(previous: string | undefined, ids: readonly string[], at: Date): string {
  const runs = new Map<string, string>();
  for (const m of (previous ?? '').matchAll(/([\w-]+) on (\d{4}-\d\d-\d\dT[\d:.]+Z)/g))
    runs.set(m[1] ?? '', m[2] ?? '');
  for (const id of ids) {
    runs.delete(id);
    runs.set(id, at.toISOString());
  }
  const list = [...runs].map(([id, time]) => `${id} on ${time}`);
  const named =
    list.length > 1 ? `${list.slice(0, -1).join(', ')} and ${list.at(-1) ?? ''}` : (list[0] ?? '');
  return `Re-run with \`--only\`: ${named}; the other sections are from the run above.`;
}

export function mergeBenchmarks(
  existing: string,
  fresh: string,
  ids: readonly string[],
  order: readonly string[],
  at: Date,
): string {
  const old = blocks(existing);
  const now = blocks(fresh);
  const freshBlock = (heading: string) => now.find((b) => b.heading === heading);
  const out: Block[] = [];
  for (const b of old) {
    const id = idOfSection(b.heading);
    if (b.heading === undefined) {
      const previous = b.lines.find((l) => PARTIAL_NOTE.test(l));
      const lines = b.lines.filter((l) => !PARTIAL_NOTE.test(l));
      const end = lines.findIndex((l, i) => i > 0 && l === '');
      lines.splice(end < 0 ? lines.length : end, 0, partialNote(previous, ids, at));
      out.push({ heading: undefined, lines });
    } else if (b.heading === '## Settings' || b.heading === '## Headline figures')
      out.push(mergeTable(b, freshBlock(b.heading), ids, order));
    else if (id !== undefined && ids.includes(id)) continue;
    // Non-benchmark sections (the fix log) come from code, so the fresh rendering is the current one.
    else if (id === undefined && b.heading !== '## Machine') out.push(freshBlock(b.heading) ?? b);
    else out.push(b);
  }
  // Fresh sections go where their benchmark sits in `order`, before the closing (non-benchmark) sections.
  for (const b of now) {
    const id = idOfSection(b.heading);
    if (id === undefined || !ids.includes(id)) continue;
    const rank = order.indexOf(id);
    let at = out.findIndex((o) => {
      const other = idOfSection(o.heading);
      return other !== undefined && order.indexOf(other) > rank;
    });
    if (at < 0) {
      const lastBench = out.map((o) => idOfSection(o.heading) !== undefined).lastIndexOf(true);
      at = lastBench >= 0 ? lastBench + 1 : out.length;
    }
    out.splice(at, 0, b);
  }
  const text = out.map((b) => (b.heading === undefined ? b.lines : [b.heading, ...b.lines]).join('\n'));
  return `${text
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
}
