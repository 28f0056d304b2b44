import { crc32, deflateRawSync } from 'node:zlib';

/**
 * A minimal zip writer for Lambda deployment packages: deflated entries, no directories, no extra fields, and one
 * fixed timestamp, so the same files always give the same bytes — and the same `CodeSha256`, which lets a deploy
 * skip uploading code that has not changed. Node has no zip writer and the project adds no dependency for one.
 */

/** One file of an archive: its path inside the zip (forward slashes) and its bytes. */
export interface ZipEntry {
  readonly path: string;
  readonly data: Uint8Array;
  /** Unix permission bits; default 0o644 (Lambda needs files readable by its runtime user). */
  readonly mode?: number;
}

// 1980-01-01 00:00:00, the earliest DOS date: a fixed time keeps archives byte-identical between builds.
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
// "Version made by": 3 = Unix (so the external attributes carry Unix permissions), spec version 2.0.
const MADE_BY_UNIX = (3 << 8) | 20;
const VERSION_NEEDED = 20;
const DEFLATE = 8;
const STORE = 0;
// General purpose flag bit 11: file names are UTF-8.
const UTF8_NAMES = 1 << 11;

/** Builds a zip archive of `entries`, in the order given. Paths must be relative, non-empty and unique. */
export function createZip(entries: readonly ZipEntry[]): Buffer {
  const seen = new Set<string>();
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const path = entry.path;
    if (path === '' || path.startsWith('/') || path.includes('\\') || path.split('/').includes('..')) {
      throw new Error(`zip entry path '${path}' must be relative, with forward slashes and no '..'`);
    }
    if (seen.has(path)) throw new Error(`zip entry path '${path}' is given twice`);
    seen.add(path);
    const name = Buffer.from(path, 'utf8');
    const deflated = deflateRawSync(entry.data, { level: 9 });
    // Tiny or incompressible files are stored: deflate would make them larger.
    const method = deflated.length < entry.data.length ? DEFLATE : STORE;
    const body = method === DEFLATE ? deflated : Buffer.from(entry.data);
    const crc = crc32(entry.data);
    if (entry.data.length > 0xffffffff || offset > 0xffffffff) throw new Error(`zip entry '${path}': archives over 4 GiB need zip64, which this writer does not do`);

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(VERSION_NEEDED, 4);
    local.writeUInt16LE(UTF8_NAMES, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(entry.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(MADE_BY_UNIX, 4);
    central.writeUInt16LE(VERSION_NEEDED, 6);
    central.writeUInt16LE(UTF8_NAMES, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(DOS_TIME, 12);
    central.writeUInt16LE(DOS_DATE, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(entry.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    // Extra field length, comment length, disk number start, internal attributes: all 0.
    // External attributes: a regular file (S_IFREG) with its permission bits, in the high 16 bits.
    central.writeUInt32LE(((0o100000 | (entry.mode ?? 0o644)) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);

    locals.push(local, name, body);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const centralSize = centrals.reduce((sum, b) => sum + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...centrals, end]);
}
