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

/**
 * The fields a local file header and a central directory entry share, in the same order (version needed to extract
 * through file name length, 26 bytes), written at `at`.
 */
function writeEntryFields(
  header: Buffer,
  at: number,
  f: { readonly method: number; readonly crc: number; readonly compressedBytes: number; readonly sizeBytes: number; readonly nameBytes: number },
): void {
  header.writeUInt16LE(VERSION_NEEDED, at);
  header.writeUInt16LE(UTF8_NAMES, at + 2);
  header.writeUInt16LE(f.method, at + 4);
  header.writeUInt16LE(DOS_TIME, at + 6);
  header.writeUInt16LE(DOS_DATE, at + 8);
  header.writeUInt32LE(f.crc, at + 10);
  header.writeUInt32LE(f.compressedBytes, at + 14);
  header.writeUInt32LE(f.sizeBytes, at + 18);
  header.writeUInt16LE(f.nameBytes, at + 22);
}

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

    const fields = { method, crc, compressedBytes: body.length, sizeBytes: entry.data.length, nameBytes: name.length };
    // Extra field length (at 28): 0.
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    writeEntryFields(local, 4, fields);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(MADE_BY_UNIX, 4);
    writeEntryFields(central, 6, fields);
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
