/**
 * The instance side of the `own` runner: a small Runtime API client that speaks the protocol AWS's
 * `aws-lambda-ric` speaks (GET `/invocation/next`, POST `/invocation/{id}/response|error`, POST `/init/error`), so
 * the gateway cannot tell the two apart. The gateway bundles this file with esbuild and runs it with plain Node:
 *
 *   node --max-old-space-size=… bootstrap.mjs        with AWS_LAMBDA_RUNTIME_API=host:port,
 *   OCTOPLAN_HANDLER_MODULE=/abs/module.mjs and OCTOPLAN_HANDLER_EXPORT=handler (+ the usual AWS_LAMBDA_* vars)
 *
 * It uses node:http rather than fetch: undici would abort the long-poll `next` request after its 300 s headers
 * timeout, while an idle Lambda environment may wait for its next event for the whole keep-alive window.
 */
import { Agent, request } from 'node:http';
import { pathToFileURL } from 'node:url';

type Handler = (event: unknown, context: object, callback: (error?: unknown, result?: unknown) => void) => unknown;

const runtimeApi = requireEnv('AWS_LAMBDA_RUNTIME_API');
const [apiHost = '127.0.0.1', apiPort = '80'] = runtimeApi.split(':');
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
const base = '/2018-06-01/runtime';

function requireEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`octoplan bootstrap: environment variable ${name} is not set`);
  return value;
}

interface ApiResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function call(method: 'GET' | 'POST', path: string, body?: string, headers: Record<string, string> = {}): Promise<ApiResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: apiHost, port: Number(apiPort), method, path: base + path, agent, headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function toErrorPayload(error: unknown): { errorType: string; errorMessage: string; trace: string[] } {
  if (error instanceof Error) {
    return { errorType: error.name || 'Error', errorMessage: error.message, trace: (error.stack ?? '').split('\n') };
  }
  return { errorType: 'Error', errorMessage: typeof error === 'string' ? error : JSON.stringify(error) ?? String(error), trace: [] };
}

function header(res: ApiResponse, name: string): string {
  const value = res.headers[name];
  return Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
}

async function loadHandler(): Promise<Handler> {
  const modulePath = requireEnv('OCTOPLAN_HANDLER_MODULE');
  const exportName = process.env.OCTOPLAN_HANDLER_EXPORT || 'handler';
  const mod = (await import(pathToFileURL(modulePath).href)) as Record<string, unknown>;
  // A CommonJS module imported from ESM exposes its exports on `default`.
  const candidate = mod[exportName] ?? (mod.default as Record<string, unknown> | undefined)?.[exportName];
  if (typeof candidate !== 'function') {
    const error = new Error(`${modulePath} does not export a function named ${exportName}`);
    error.name = 'Runtime.HandlerNotFound';
    throw error;
  }
  return candidate as Handler;
}

/** Runs the handler: a returned promise wins; a handler with three parameters may answer through the callback. */
function runHandler(handler: Handler, event: unknown, context: object): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const callback = (error?: unknown, result?: unknown): void => (error !== undefined && error !== null ? reject(error) : resolve(result));
    let returned: unknown;
    try {
      returned = handler(event, context, callback);
    } catch (error) {
      reject(error);
      return;
    }
    if (returned !== null && typeof returned === 'object' && typeof (returned as Promise<unknown>).then === 'function') {
      (returned as Promise<unknown>).then(resolve, reject);
    } else if (handler.length < 3) {
      resolve(returned);
    }
  });
}

/** The client context JSON of the Invoke call; a malformed one is dropped rather than failing the invocation. */
function parseClientContext(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

let currentRequestId: string | undefined;

async function postError(path: string, error: unknown): Promise<void> {
  const payload = toErrorPayload(error);
  await call('POST', path, JSON.stringify(payload), { 'lambda-runtime-function-error-type': payload.errorType });
}

// An error thrown outside the handler's promise chain kills the environment on Lambda after it is reported.
for (const event of ['uncaughtException', 'unhandledRejection'] as const) {
  process.on(event, (error: unknown) => {
    const path = currentRequestId !== undefined ? `/invocation/${currentRequestId}/error` : '/init/error';
    void postError(path, error).finally(() => process.exit(1));
  });
}

let handler: Handler;
try {
  handler = await loadHandler();
} catch (error) {
  const payload = toErrorPayload(error);
  if (payload.errorType === 'Error') payload.errorType = 'Runtime.ImportModuleError';
  await call('POST', '/init/error', JSON.stringify(payload), { 'lambda-runtime-function-error-type': payload.errorType });
  process.exit(1);
}

const functionName = process.env.AWS_LAMBDA_FUNCTION_NAME ?? '';
const functionVersion = process.env.AWS_LAMBDA_FUNCTION_VERSION ?? '$LATEST';
const memoryLimitInMB = process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? '';
const logGroupName = process.env.AWS_LAMBDA_LOG_GROUP_NAME ?? '';
const logStreamName = process.env.AWS_LAMBDA_LOG_STREAM_NAME ?? '';

for (;;) {
  const next = await call('GET', '/invocation/next');
  if (next.status !== 200) throw new Error(`Runtime API next answered ${next.status}: ${next.body.toString()}`);
  const requestId = header(next, 'lambda-runtime-aws-request-id');
  const deadlineMs = Number(header(next, 'lambda-runtime-deadline-ms'));
  const traceId = header(next, 'lambda-runtime-trace-id');
  if (traceId !== '') process.env._X_AMZN_TRACE_ID = traceId;
  else delete process.env._X_AMZN_TRACE_ID;
  const clientContext = header(next, 'lambda-runtime-client-context');
  currentRequestId = requestId;
  // Lambda's Node runtime gives memoryLimitInMB as a string; keep that so handlers behave the same here.
  const context = {
    awsRequestId: requestId,
    functionName,
    functionVersion,
    memoryLimitInMB,
    invokedFunctionArn: header(next, 'lambda-runtime-invoked-function-arn'),
    logGroupName,
    logStreamName,
    callbackWaitsForEmptyEventLoop: true,
    clientContext: parseClientContext(clientContext),
    identity: undefined,
    getRemainingTimeInMillis: () => Math.max(0, deadlineMs - Date.now()),
  };
  let outcome: { ok: true; body: string } | { ok: false; error: unknown };
  try {
    const event: unknown = JSON.parse(next.body.toString('utf8'));
    const result = await runHandler(handler, event, context);
    outcome = { ok: true, body: JSON.stringify(result === undefined ? null : result) };
  } catch (error) {
    outcome = { ok: false, error };
  }
  if (outcome.ok) await call('POST', `/invocation/${requestId}/response`, outcome.body);
  else await postError(`/invocation/${requestId}/error`, outcome.error);
  currentRequestId = undefined;
}
