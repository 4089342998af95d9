import { build } from 'esbuild';
import { stackEsbuildOptions } from '../lib/bundle';
const { options } = stackEsbuildOptions();
const r = await build({ ...options, absWorkingDir: '/work/main', entryPoints: [process.argv[2]!], outfile: '/tmp/zp/index.mjs', write: true });
const out = Object.values(r.metafile!.outputs)[0]!;
const rows = Object.entries(out.inputs).filter(([p]) => p.includes(process.argv[3] ?? 'zod')).map(([p, v]) => [v.bytesInOutput, p] as const).sort((a, b) => b[0] - a[0]);
let tot = 0; for (const [b] of rows) tot += b;
console.log('total', tot, rows.length);
for (const r of rows.slice(0, 25)) console.log(r[0], r[1]);
