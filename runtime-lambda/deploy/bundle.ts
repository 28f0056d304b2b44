/**
 * The deployment package of the worker: `runtime-lambda/worker/handler.ts` bundled by esbuild with every dependency
 * (ioredis, the AWS SDK's Lambda client, the scheduler core, the task code) into one ES module, `index.mjs`, whose
 * `handler` export is the Lambda entry point (handler string `index.handler`; built for Node 20, so it runs on the
 * nodejs20.x, nodejs22.x and nodejs24.x runtimes), and the same file
 * zipped as `worker.zip`.
 *
 * Usage: `npx tsx runtime-lambda/deploy/bundle.ts [--out DIR]` (default `runtime-lambda/deploy/build`).
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { DEFAULT_LAMBDA_RUNTIME, HANDLER_FILE, LAMBDA_HANDLER } from './package-layout.js';
import { createZip } from './zip.js';

/** The handler source the package is built from. */
export const HANDLER_SOURCE = join(import.meta.dirname, '..', 'worker', 'handler.ts');
/** Where `bundle.ts` writes by default (ignored by git). */
export const DEFAULT_BUILD_DIR = join(import.meta.dirname, 'build');

/** Options of `bundleWorker`. */
export interface BundleOptions {
  /** Output folder: `package/index.mjs` and `worker.zip` are written there. */
  readonly outDir: string;
  /** Minify the bundle (smaller package, less readable stack traces in CloudWatch); default false. */
  readonly minify?: boolean;
}

/** What `bundleWorker` wrote. */
export interface WorkerBundle {
  /** The folder holding `index.mjs`: what a CloudFormation `Code` path may point at. */
  readonly packageDir: string;
  readonly entryFile: string;
  readonly zipFile: string;
  readonly zipBytes: number;
  /** Base64 SHA-256 of the zip, as Lambda reports it in `CodeSha256`: equal means the deployed code is this code. */
  readonly codeSha256: string;
}

/**
 * Bundles the worker handler and zips it. The ES module output needs a `require` for the CommonJS dependencies that
 * load Node built-ins (ioredis does), which the banner provides; everything else is plain esbuild.
 */
export async function bundleWorker(options: BundleOptions): Promise<WorkerBundle> {
  const packageDir = join(options.outDir, 'package');
  const entryFile = join(packageDir, HANDLER_FILE);
  await rm(packageDir, { recursive: true, force: true });
  await mkdir(packageDir, { recursive: true });
  await build({
    entryPoints: [HANDLER_SOURCE],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    outfile: entryFile,
    minify: options.minify ?? false,
    // Class names appear in errors that reach CloudWatch (ConfigError, ProtocolError): keep them when minifying.
    keepNames: true,
    legalComments: 'none',
    logLevel: 'error',
    banner: { js: "import { createRequire as __octoplanCreateRequire } from 'node:module'; const require = __octoplanCreateRequire(import.meta.url);" },
  });
  const zip = createZip([{ path: HANDLER_FILE, data: await readFile(entryFile) }]);
  const zipFile = join(options.outDir, 'worker.zip');
  await writeFile(zipFile, zip);
  return { packageDir, entryFile, zipFile, zipBytes: zip.length, codeSha256: codeSha256(zip) };
}

/** Base64 SHA-256 of a deployment package, the form of Lambda's `CodeSha256`. */
export function codeSha256(zip: Uint8Array): string {
  return createHash('sha256').update(zip).digest('base64');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { out: { type: 'string' }, minify: { type: 'boolean', default: false } } });
  const bundle = await bundleWorker({ outDir: resolve(values.out ?? DEFAULT_BUILD_DIR), minify: values.minify });
  console.log(`bundled ${bundle.entryFile}`);
  console.log(`zipped  ${bundle.zipFile} (${(bundle.zipBytes / 1e6).toFixed(2)} MB, CodeSha256 ${bundle.codeSha256})`);
  console.log(`handler ${LAMBDA_HANDLER}, built for Node 20 (deploy on ${DEFAULT_LAMBDA_RUNTIME} by default)`);
}
