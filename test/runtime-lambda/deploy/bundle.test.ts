import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { crc32, inflateRawSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundleWorker, codeSha256, type WorkerBundle } from '../../../runtime-lambda/deploy/bundle.js';
import { createZip } from '../../../runtime-lambda/deploy/zip.js';

/** The entries of a zip, read from its central directory (an independent check of what `createZip` wrote). */
function readZip(zip: Buffer): { path: string; data: Buffer; mode: number }[] {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const entries = [];
  for (let i = 0; i < count; i++) {
    expect(zip.readUInt32LE(at)).toBe(0x02014b50);
    const method = zip.readUInt16LE(at + 10);
    const crc = zip.readUInt32LE(at + 16);
    const compressed = zip.readUInt32LE(at + 20);
    const size = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const extra = zip.readUInt16LE(at + 30);
    const comment = zip.readUInt16LE(at + 32);
    const mode = zip.readUInt32LE(at + 38) >>> 16;
    const local = zip.readUInt32LE(at + 42);
    const path = zip.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    const dataStart = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const body = zip.subarray(dataStart, dataStart + compressed);
    const data = method === 8 ? inflateRawSync(body) : Buffer.from(body);
    expect(data.length).toBe(size);
    expect(crc32(data)).toBe(crc);
    entries.push({ path, data, mode });
    at += 46 + nameLength + extra + comment;
  }
  return entries;
}

const UNZIP = spawnSync('unzip', ['-v'], { encoding: 'utf8' }).status === 0;

describe('zip writer', () => {
  it('writes deflated and stored entries that read back byte for byte, the same bytes every time', () => {
    const entries = [
      { path: 'index.mjs', data: Buffer.from('export const handler = async () => 42;\n'.repeat(50)) },
      { path: 'lib/tiny.txt', data: Buffer.from('x') },
      { path: 'empty', data: Buffer.alloc(0), mode: 0o755 },
    ];
    const zip = createZip(entries);
    const read = readZip(zip);
    expect(read.map((e) => e.path)).toEqual(['index.mjs', 'lib/tiny.txt', 'empty']);
    for (const [i, e] of read.entries()) expect(e.data.equals(entries[i]!.data)).toBe(true);
    expect(read.map((e) => e.mode)).toEqual([0o100644, 0o100644, 0o100755]);
    expect(createZip(entries).equals(zip)).toBe(true);
    expect(() => createZip([{ path: '../x', data: Buffer.alloc(1) }])).toThrow(/must be relative/);
    expect(() => createZip([entries[0]!, entries[0]!])).toThrow(/'index.mjs' is given twice/);
  });
});

describe('worker bundle', () => {
  let bundle: WorkerBundle;
  beforeAll(async () => {
    bundle = await bundleWorker({ outDir: await mkdtemp(join(tmpdir(), 'octoplan-bundle-')) });
  }, 120_000);

  it('builds one ES module whose handler export is the Lambda entry point', async () => {
    const module = (await import(pathToFileURL(bundle.entryFile).href)) as { handler?: unknown; createHandler?: unknown };
    expect(typeof module.handler).toBe('function');
    expect(typeof module.createHandler).toBe('function');
    // Self-contained: nothing is left to resolve from node_modules at run time except Node's own modules.
    const source = await readFile(bundle.entryFile, 'utf8');
    const imports = [...source.matchAll(/^import .*? from ["']([^"']+)["']/gm)].map((m) => m[1]!);
    expect(imports).toContain('node:module');
    expect(imports.every((s) => s.startsWith('node:') || ['fs', 'path', 'os', 'crypto', 'net', 'tls', 'stream', 'util', 'events', 'url', 'http', 'https', 'http2', 'zlib', 'buffer', 'child_process', 'dns', 'string_decoder', 'assert', 'process', 'timers'].includes(s))).toBe(true);
  });

  it('rejects a malformed event with the field at fault, as it would on Lambda', async () => {
    const { handler } = (await import(pathToFileURL(bundle.entryFile).href)) as { handler: (event: unknown, context?: unknown) => Promise<unknown> };
    await expect(handler({ runId: '' })).rejects.toThrow(/worker invocation: field 'runId' must be a non-empty string/);
  });

  it('zips index.mjs alone, with the CodeSha256 Lambda will report', async () => {
    const zip = await readFile(bundle.zipFile);
    expect(zip.length).toBe(bundle.zipBytes);
    expect(bundle.codeSha256).toBe(codeSha256(zip));
    const entries = readZip(zip);
    expect(entries.map((e) => e.path)).toEqual(['index.mjs']);
    expect(entries[0]!.data.equals(await readFile(bundle.entryFile))).toBe(true);
    // Lambda's zip limit for a direct upload is 50 MB.
    expect(zip.length).toBeLessThan(50 * 1024 * 1024);
  });

  it.runIf(UNZIP)('passes unzip -t (an independent zip reader)', () => {
    const result = spawnSync('unzip', ['-t', bundle.zipFile], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/testing: index\.mjs\s+OK/);
  });
});
