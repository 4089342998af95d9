#!/usr/bin/env node
// The package's `seedance` bin. Plain JS so it runs from an installed checkout with no build step:
// it registers tsx's loader (a runtime dependency) and hands over to the TypeScript entry point.
import { register } from 'tsx/esm/api';

register();
const { run } = await import(new URL('./main.ts', import.meta.url).href);
process.exitCode = await run(process.argv.slice(2));
