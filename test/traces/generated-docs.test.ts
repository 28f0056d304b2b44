import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCHEMA_PATH, schemaText } from '../../traces/schema/write-schema.js';
import { describeWorkloadMarkdown } from '../../traces/workloads/describe.js';
import { WORKLOADS } from '../../traces/workloads/registry.js';

const ROOT = join(import.meta.dirname, '..', '..');

describe('generated documentation is up to date', () => {
  it('the committed JSON Schema matches core/trace-records.ts (regenerate with npm run schema:write)', async () => {
    expect(await readFile(SCHEMA_PATH, 'utf8')).toBe(schemaText());
  });

  it('traces/workloads/README.md lists every workload as `bench workloads --verbose` prints it', async () => {
    const readme = await readFile(join(ROOT, 'traces', 'workloads', 'README.md'), 'utf8');
    const section = /<!-- generated:workloads -->\n([\s\S]*)\n<!-- \/generated:workloads -->/.exec(readme)?.[1];
    expect(section).toBe(WORKLOADS.map(describeWorkloadMarkdown).join('\n\n'));
  });
});
