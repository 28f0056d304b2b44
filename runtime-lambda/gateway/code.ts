/**
 * Preparing what an instance process runs: the `own` runner's bootstrap and the handler module, bundled by esbuild
 * into content-addressed `.mjs` files (so concurrent gateways never see each other's half-written files and an
 * unchanged handler is not rewritten), or left as they are for `.js`/`.mjs` modules and the `tsx` loader.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, extname, join } from 'node:path';
import { build } from 'esbuild';

const TS_EXTENSIONS = new Set(['.ts', '.mts', '.cts', '.tsx']);

/** Whether a module needs a TypeScript loader to run under Node. */
export function isTypeScript(modulePath: string): boolean {
  return TS_EXTENSIONS.has(extname(modulePath));
}

/** Ancestors of `start`, itself first. */
function ancestors(start: string): string[] {
  const dirs: string[] = [];
  for (let dir = start; ; dir = dirname(dir)) {
    dirs.push(dir);
    if (dirname(dir) === dir) return dirs;
  }
}

/** The nearest ancestor of `start` holding a `node_modules` directory, if any. */
export function nearestNodeModulesRoot(start: string): string | undefined {
  return ancestors(start).find((dir) => existsSync(join(dir, 'node_modules')));
}

/**
 * Absolute path of a file of this folder's sources. `import.meta.dirname` is this folder when run from source but
 * the bundle's folder when a caller (e.g. `npm run bench:perf`) bundled this module; then the project is found by
 * walking up to the directory that holds `runtime-lambda/gateway/<name>`.
 */
export function gatewaySourceFile(name: string): string {
  const direct = join(import.meta.dirname, name);
  if (existsSync(direct)) return direct;
  for (const root of [...ancestors(import.meta.dirname), ...ancestors(process.cwd())]) {
    const candidate = join(root, 'runtime-lambda', 'gateway', name);
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`gateway: cannot find runtime-lambda/gateway/${name} from ${import.meta.dirname} or ${process.cwd()}`);
}

/**
 * Bundles `entry` with esbuild into `<cacheDir>/<content hash>/index.mjs` and returns that path. npm packages stay
 * external when `cacheDir` lies inside a `node_modules` tree (Node then resolves them upward from the bundle), and
 * are bundled in otherwise (a bundle in /tmp could not find them).
 */
export async function bundleModule(entry: string, cacheDir: string): Promise<string> {
  const externalPackages = cacheDir.split(/[\\/]/).includes('node_modules');
  let result;
  try {
    result = await build({
      entryPoints: [entry],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: externalPackages ? 'external' : undefined,
      // Bundled CommonJS dependencies call require(); give the ESM bundle one.
      banner: externalPackages ? undefined : { js: "import { createRequire as __octoplanCreateRequire } from 'node:module'; const require = __octoplanCreateRequire(import.meta.url);" },
      write: false,
      logLevel: 'silent',
    });
  } catch (error) {
    throw new Error(`cannot bundle ${entry}: ${(error as Error).message}`);
  }
  const code = result.outputFiles[0]?.contents;
  if (code === undefined) throw new Error(`esbuild produced no output for ${entry}`);
  const hash = createHash('sha256').update(code).digest('hex').slice(0, 16);
  const dir = join(cacheDir, `${basename(entry, extname(entry)).replace(/[^A-Za-z0-9_-]/g, '_')}-${hash}`);
  const file = join(dir, 'index.mjs');
  if (!existsSync(file)) {
    await mkdir(dir, { recursive: true });
    // Write then rename: a concurrent reader sees either no file or the whole file.
    const partial = `${file}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(partial, code);
    await rename(partial, file);
  }
  return file;
}

/** Default bundle directory for a handler: inside the node_modules its imports resolve from, else a temp dir. */
export function defaultCacheDir(handlerModule: string): string {
  const root = nearestNodeModulesRoot(dirname(handlerModule));
  return root !== undefined ? join(root, 'node_modules', '.cache', 'octoplan-gateway') : join(tmpdir(), 'octoplan-gateway');
}

/**
 * Path of the `tsx` loader to pass to `node --import`, resolved from the handler's node_modules, then from this
 * folder's. Throws a message naming the handler when tsx is not installed.
 */
export function resolveTsxLoader(handlerModule: string): string {
  for (const start of [dirname(handlerModule), import.meta.dirname, process.cwd()]) {
    for (const dir of ancestors(start)) {
      const loader = join(dir, 'node_modules', 'tsx', 'dist', 'loader.mjs');
      if (existsSync(loader)) return loader;
    }
  }
  throw new Error(`tsLoader 'tsx' needs the tsx package, not found from ${handlerModule}`);
}

/**
 * Entry script of an installed `aws-lambda-ric` (its `bin/index.mjs`, which takes the handler as `module.export`
 * from argv and the function directory from the cwd). Throws how to install it when it is missing.
 */
export function resolveAwsRic(handlerModule: string): string {
  for (const start of [dirname(handlerModule), import.meta.dirname, process.cwd()]) {
    for (const dir of ancestors(start)) {
      const bin = join(dir, 'node_modules', 'aws-lambda-ric', 'bin', 'index.mjs');
      if (existsSync(bin)) return bin;
    }
  }
  throw new Error(
    "runner 'aws-ric' needs the aws-lambda-ric package, which builds a native addon: " +
      'apt-get install -y autoconf automake libtool && npm install aws-lambda-ric@3 (about 90 s; 3.x supports Node 20)',
  );
}
