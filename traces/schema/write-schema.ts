// Regenerates the committed JSON Schema of a trace line from the zod schema in core/trace-records.ts.
// A test fails when the committed file is stale, so run `npm run schema:write` after changing the record types.
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { traceRecordJsonSchema } from '../../core/trace-records.js';

export const SCHEMA_PATH = fileURLToPath(new URL('./trace-record.schema.json', import.meta.url));

/** The schema file's exact text. */
export function schemaText(): string {
  const schema = { $id: 'https://octoplan.dev/schema/trace-record-1.json', title: 'octoplan trace record (one JSON Lines line)', ...traceRecordJsonSchema() };
  return JSON.stringify(schema, null, 2) + '\n';
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await writeFile(SCHEMA_PATH, schemaText(), 'utf8');
  console.log(`wrote ${SCHEMA_PATH}`);
}
