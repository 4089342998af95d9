/**
 * Writes schemas/events/<type>.json from functions/core/events/schema.ts (`npm run event-schemas`);
 * `--check` fails when a file is out of date.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventJsonSchemas } from '../functions/core/events/schema';

export const EVENT_SCHEMA_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../schemas/events',
);

export function renderEventSchemas(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(eventJsonSchemas()).map(([type, schema]) => [
      `${type}.json`,
      JSON.stringify(schema, null, 2) + '\n',
    ]),
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const files = renderEventSchemas();
  if (process.argv.includes('--check')) {
    const stale = Object.entries(files).filter(
      ([name, text]) =>
        !fs.existsSync(path.join(EVENT_SCHEMA_DIR, name)) ||
        fs.readFileSync(path.join(EVENT_SCHEMA_DIR, name), 'utf8') !== text,
    );
    if (stale.length > 0) {
      console.error(
        `schemas/events is out of date (${stale.map(([n]) => n).join(', ')}): run \`npm run event-schemas\``,
      );
      process.exit(1);
    }
  } else {
    fs.mkdirSync(EVENT_SCHEMA_DIR, { recursive: true });
    for (const [name, text] of Object.entries(files))
      fs.writeFileSync(path.join(EVENT_SCHEMA_DIR, name), text);
    console.log(`wrote ${Object.keys(files).length} files to schemas/events/`);
  }
}
