import { build } from 'esbuild';
import { stackEsbuildOptions } from '../lib/bundle';
const { options } = stackEsbuildOptions();
await build({ ...options, absWorkingDir: '/work/main', entryPoints: ['bench/.probe/c.ts'], outfile: '/tmp/zp/c.mjs', write: true });
const m = (await import('/tmp/zp/c.mjs')) as { handler: () => string };
console.log(m.handler());
