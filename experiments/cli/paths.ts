import { accessSync, constants, realpathSync, statSync, type Stats } from 'node:fs';
import { basename, dirname, resolve, sep } from 'node:path';
import { UsageError } from './errors.js';

/**
 * Up-front checks of the paths a command reads and writes, so that a missing or unreadable input, a directory where a
 * file is expected or an unwritable output is one line naming the option and the path, before any work is done (a
 * 14 s run that fails at its last write is worse than one that fails at once).
 */

/** What a path option names: an input file, an input file or directory (traces), an output file or an output folder. */
export type PathKind = 'file' | 'file-or-directory' | 'output-file' | 'output-directory';

/** Node's error codes, as a reader wants them. */
const REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOENT: 'no such file or directory',
  ENOTDIR: 'a part of the path is not a directory',
  EISDIR: 'is a directory',
  ENOSPC: 'no space left on device',
  EEXIST: 'already exists',
  ENAMETOOLONG: 'name too long',
  ELOOP: 'too many symbolic links',
  EMFILE: 'too many open files',
};

/** A Node file-system error (`code` and usually `path`, `syscall`). */
export interface FsError extends Error {
  readonly code: string;
  readonly path?: string;
  readonly syscall?: string;
}

/** True for Node's file-system errors (ENOENT, EACCES, …), which the CLI reports in one line. */
export function isFsError(error: unknown): error is FsError {
  const code = (error as { code?: unknown } | undefined)?.code;
  return error instanceof Error && typeof code === 'string' && code in REASONS;
}

/** One line for a file-system error: what failed on which path, and why. */
export function fsErrorMessage(error: FsError): string {
  const reason = REASONS[error.code] ?? error.code;
  const verb = error.syscall === undefined ? 'cannot access' : /open|read|scandir|stat|access/.test(error.syscall) ? 'cannot read' : 'cannot write';
  return error.path === undefined ? `${verb}: ${reason}` : `${verb} '${error.path}': ${reason}`;
}

function reason(error: unknown): string {
  const code = (error as { code?: string }).code;
  return (code && REASONS[code]) ?? (error as Error).message;
}

function tryStat(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function prefix(label: string | undefined): string {
  return label === undefined ? '' : `${label}: `;
}

/** An input file (or, for `file-or-directory`, a trace file or folder) that exists and can be read. */
export function checkInputPath(path: string, label?: string, kind: 'file' | 'file-or-directory' = 'file'): void {
  let info: Stats;
  try {
    info = statSync(path);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new UsageError(`${prefix(label)}'${path}' does not exist`);
    throw new UsageError(`${prefix(label)}cannot read '${path}': ${reason(error)}`);
  }
  if (kind === 'file' && info.isDirectory()) throw new UsageError(`${prefix(label)}'${path}' is a directory; give a file`);
  try {
    accessSync(path, info.isDirectory() ? constants.R_OK | constants.X_OK : constants.R_OK);
  } catch (error) {
    throw new UsageError(`${prefix(label)}cannot read '${path}': ${reason(error)}`);
  }
}

/**
 * Kernel file systems where a command's output can never go: files there are made by the kernel, and Node's recursive
 * mkdir under /proc does not fail but never returns (issue 21: `traces generate --out /proc/x` hung).
 */
const KERNEL_FILE_SYSTEMS = ['/proc', '/sys'];

/** The kernel file system `path` lies in (after resolving symbolic links of its existing part), if any. */
function kernelFileSystemOf(path: string): string | undefined {
  let existing = resolve(path);
  let rest = '';
  while (tryStat(existing) === undefined && dirname(existing) !== existing) {
    rest = `${sep}${basename(existing)}${rest}`;
    existing = dirname(existing);
  }
  let real = existing;
  try {
    real = realpathSync(existing);
  } catch {
    // Unreadable: the write check below says so.
  }
  const full = real + rest;
  return KERNEL_FILE_SYSTEMS.find((root) => full === root || full.startsWith(root + sep));
}

/**
 * An output file or folder that can be written: an existing one of the right kind that is writable, or a new one
 * whose nearest existing ancestor is a writable folder (the commands create the folders in between). Paths under
 * /proc or /sys are refused up front.
 */
export function checkOutputPath(path: string, label?: string, kind: 'output-file' | 'output-directory' = 'output-file'): void {
  const kernel = kernelFileSystemOf(path);
  if (kernel !== undefined) {
    throw new UsageError(`${prefix(label)}cannot write '${path}': it is under ${kernel}, a kernel file system where commands cannot create files; give a path on disk`);
  }
  const info = tryStat(path);
  if (info) {
    if (kind === 'output-file' && info.isDirectory()) throw new UsageError(`${prefix(label)}'${path}' is a directory; give a file to write`);
    if (kind === 'output-directory' && !info.isDirectory()) throw new UsageError(`${prefix(label)}'${path}' is a file; give a folder to write into`);
    try {
      accessSync(path, constants.W_OK);
    } catch (error) {
      throw new UsageError(`${prefix(label)}cannot write '${path}': ${reason(error)}`);
    }
    return;
  }
  let ancestor = dirname(resolve(path));
  let found = tryStat(ancestor);
  while (!found && dirname(ancestor) !== ancestor) {
    ancestor = dirname(ancestor);
    found = tryStat(ancestor);
  }
  if (found && !found.isDirectory()) throw new UsageError(`${prefix(label)}cannot write '${path}': '${ancestor}' is a file, not a folder`);
  try {
    accessSync(ancestor, constants.W_OK | constants.X_OK);
  } catch (error) {
    throw new UsageError(`${prefix(label)}cannot write '${path}': folder '${ancestor}': ${reason(error)}`);
  }
}

/**
 * Checks every path option of a command that was given: `{ history: 'file-or-directory', 'trace-out': 'output-file' }`
 * checks `--history` and `--trace-out`. Options given several times (arrays) are checked one by one.
 * @throws UsageError naming the option and the path at fault
 */
export function checkPathOptions(args: Readonly<Record<string, unknown>>, kinds: Readonly<Record<string, PathKind>>): void {
  for (const [option, kind] of Object.entries(kinds)) {
    const value = args[option];
    if (value === undefined || value === null || value === false) continue;
    for (const item of Array.isArray(value) ? value : [value]) checkPath(String(item), kind, `--${option}`);
  }
}

/** Checks one path (a positional argument has no label). */
export function checkPath(path: string, kind: PathKind, label?: string): void {
  if (path === '') throw new UsageError(`${prefix(label)}needs a path`);
  if (kind === 'file' || kind === 'file-or-directory') checkInputPath(path, label, kind);
  else checkOutputPath(path, label, kind);
}
