import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { toolkitVersion } from '../compare/version.js';

/**
 * What must match between the machine that enqueues a cell and the one that runs it, for the cell to give the same
 * bytes anywhere: the toolkit's name and version (package.json) and a fingerprint of the code that computes results.
 * The version alone is not enough: two checkouts of 0.1.0 at different commits simulate differently.
 */
export interface ToolkitStamp {
  readonly name: string;
  readonly version: string;
  /** SHA-256 (first 16 hex digits) of the result-computing sources and the lock file (`codeFingerprint`). */
  readonly code: string;
}

/** Folders whose sources decide a cell's numbers (tests, docs and figures do not). */
const CODE_FOLDERS = ['core', 'planners', 'simulator', 'traces', 'experiments'];
const CODE_FILE = /\.(ts|js|mjs|json)$/;

/** The repository root: two folders above this module (also inside the CLI bundle, which keeps `import.meta.url`). */
function repositoryRoot(): string {
  return fileURLToPath(new URL('../../', import.meta.url));
}

function codeFiles(root: string, folder: string): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === 'figures' || entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (CODE_FILE.test(entry.name)) files.push(relative(root, path).split(sep).join('/'));
    }
  };
  walk(join(root, folder));
  return files;
}

/**
 * A fingerprint of the code: every source file under the result-computing folders (path and content, in path order)
 * and package-lock.json (the dependencies' versions). About 180 files, a few ms; computed once per process.
 */
export function codeFingerprint(root = repositoryRoot()): string {
  const hash = createHash('sha256');
  const files = CODE_FOLDERS.flatMap((folder) => codeFiles(root, folder)).sort();
  for (const file of [...files, 'package-lock.json']) {
    hash.update(file);
    hash.update('\0');
    try {
      hash.update(readFileSync(join(root, file)));
    } catch {
      hash.update('(missing)');
    }
    hash.update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

let stamp: ToolkitStamp | undefined;

/** This process's toolkit stamp (computed once). */
export function toolkitStamp(): ToolkitStamp {
  stamp ??= { ...toolkitVersion(), code: codeFingerprint() };
  return stamp;
}

/** `octoplan 0.1.0 (code 1a2b…)`: how a stamp is named in messages. */
export function formatStamp(s: ToolkitStamp): string {
  return `${s.name} ${s.version} (code ${s.code})`;
}

/** Null when `theirs` matches this process's stamp, else the one line saying what differs. */
export function stampMismatch(theirs: ToolkitStamp, ours: ToolkitStamp = toolkitStamp()): string | null {
  if (theirs.name === ours.name && theirs.version === ours.version && theirs.code === ours.code) return null;
  return `toolkit mismatch: the cell was made by ${formatStamp(theirs)}, this worker runs ${formatStamp(ours)}; run the same checkout (git commit and npm ci) on every machine`;
}
