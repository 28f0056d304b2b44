/**
 * How the worker's deployment package is laid out and run, shared by the bundler, the SDK requests and the template
 * (kept apart from `bundle.ts` so that building requests does not load esbuild).
 */

/** The bundled module's file name inside the package. */
export const HANDLER_FILE = 'index.mjs';
/** Lambda's handler setting for the bundle: `<file without extension>.<export>`. */
export const LAMBDA_HANDLER = 'index.handler';
/**
 * Lambda's Node.js runtimes the bundle runs on. It is built for Node 20 (the project's version: syntax and APIs of
 * Node 20 only), which later Node versions run unchanged.
 */
export const LAMBDA_NODE_RUNTIMES = ['nodejs22.x', 'nodejs24.x', 'nodejs20.x'] as const;
/** One of `LAMBDA_NODE_RUNTIMES`. */
export type LambdaNodeRuntime = (typeof LAMBDA_NODE_RUNTIMES)[number];
/**
 * The default runtime: nodejs22.x, the closest to the project's Node 20 that Lambda still creates. nodejs20.x was
 * deprecated on 2026-04-30 and Lambda stopped creating functions on it on 2026-06-01 (updates on 2026-07-01), per
 * AWS's runtime lifecycle as cfn-lint 1.51 records it; it stays selectable for accounts where it still works.
 * nodejs22.x itself is deprecated on 2027-04-30 (creation blocked 2027-06-01); nodejs24.x is the successor.
 */
export const DEFAULT_LAMBDA_RUNTIME: LambdaNodeRuntime = 'nodejs22.x';
