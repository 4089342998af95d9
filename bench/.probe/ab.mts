import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Plugin } from 'esbuild';
import { bundleHandler, stackEsbuildOptions } from '../lib/bundle';
import { freshImport, lambdaLikeEnv, writeRunner } from '../lib/fresh-import';
import { listHandlers, splitExisting } from '../lib/handlers';
import { median } from '../lib/stats';

const undoZod: Plugin = {
  name: 'undo-zod',
  setup(b) {
    b.onLoad({ filter: /functions\/.*\.ts$/ }, (a) => ({
      contents: readFileSync(a.path, 'utf8').replace("import * as z from 'zod';", "import { z } from 'zod';"),
      loader: 'ts',
    }));
  },
};
const { options } = stackEsbuildOptions();
const dir = mkdtempSync(join(tmpdir(), 'ab-'));
const runner = writeRunner(dir);
writeFileSync(join(dir, 'e.ts'), 'export const handler = async () => ({});');
const pick = splitExisting(listHandlers()).present.filter((h) => ['getGroup', 'createVideo', 'getVideo', 'ingest:ValidateImage', 'upload-created'].includes(h.name));
const targets: { name: string; file: string; ms: number[]; rss: number[]; kib: number }[] = [];
const e = await bundleHandler(join(dir, 'e.ts'), join(dir, 'empty'), options);
targets.push({ name: 'empty', file: e.outfile, ms: [], rss: [], kib: e.bytes / 1024 });
for (const h of pick) {
  for (const [v, plugins] of [['before', [undoZod]], ['after', []]] as const) {
    const r = await bundleHandler(join('/work/main', h.module), join(dir, h.name.replace(/\W/g, '_') + v), { ...options, plugins: [...plugins] });
    targets.push({ name: `${h.name} ${v}`, file: r.outfile, ms: [], rss: [], kib: r.bytes / 1024 });
  }
}
const runs = Number(process.argv[2] ?? 11);
for (let i = 0; i < runs; i++) for (const t of targets) { const s = await freshImport(runner, t.file, lambdaLikeEnv(), dir); t.ms.push(s.ms); t.rss.push(s.rssMb); }
for (const t of targets) console.log(t.name.padEnd(30), t.kib.toFixed(1).padStart(8), 'KiB', median(t.ms).toFixed(1).padStart(7), 'ms', median(t.rss).toFixed(1), 'MB');
