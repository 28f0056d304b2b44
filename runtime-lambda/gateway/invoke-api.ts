/**
 * The HTTP front of the gateway: the Lambda Invoke API (`POST /2015-03-31/functions/{name}/invocations`) in the
 * shapes the AWS SDK for JavaScript v3 sends and parses (toolchain.md §6), so an unmodified `LambdaClient` with
 * `endpoint: http://127.0.0.1:PORT` talks to it. Request signing is accepted without checking.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { InvocationType } from './types.js';

/** An Invoke call as the gateway core receives it. */
export interface InvokeRequest {
  /** The `FunctionName` path parameter, URL-decoded: a name, `name:qualifier`, a partial or a full ARN. */
  functionName: string;
  qualifier: string | undefined;
  invocationType: InvocationType;
  payload: Buffer;
  /** `x-amz-log-type: Tail`: return the last 4 KiB of the instance's output in X-Amz-Log-Result. */
  logTail: boolean;
  /** `x-amz-client-context` as sent: base64 of JSON (the gateway decodes it for the Runtime API header). */
  clientContext: string | undefined;
}

/** The core's answer, mapped to HTTP by this module. */
export type InvokeResponse =
  | { kind: 'result'; requestId: string; payload: Buffer; functionError: boolean; logResult?: string }
  | { kind: 'accepted'; requestId: string }
  | { kind: 'dry-run'; requestId: string }
  /** An API error: HTTP status, `x-amzn-ErrorType` and message, e.g. 404 ResourceNotFoundException. */
  | { kind: 'api-error'; status: number; errorType: string; message: string; extra?: Record<string, string> };

/** The part of the gateway the HTTP layer needs. */
export interface InvokeTarget {
  invoke(request: InvokeRequest): Promise<InvokeResponse>;
  /** Largest accepted request body for RequestResponse and Event invocations, in bytes. */
  readonly maxSyncPayloadBytes: number;
  readonly maxAsyncPayloadBytes: number;
}

/** A listening Invoke API. */
export interface InvokeApiServer {
  /** `http://host:port`, the `endpoint` to give the AWS SDK. */
  readonly endpoint: string;
  readonly port: number;
  close(): Promise<void>;
}

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;
const INVOCATION_TYPES = new Set<InvocationType>(['RequestResponse', 'Event', 'DryRun']);

/** Sends an AWS REST-JSON error: the SDK takes the code from x-amzn-ErrorType and the message from the body. */
export function sendApiError(res: ServerResponse, status: number, errorType: string, message: string, extra: Record<string, string> = {}): void {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-amzn-errortype': errorType,
    'x-amzn-requestid': randomUUID(),
  };
  if (status === 429) headers['retry-after'] = '1';
  res.writeHead(status, headers).end(JSON.stringify({ Type: 'User', message, Message: message, ...extra }));
}

/** Reads a request body up to `limitBytes`; undefined when it is larger (the rest is drained, not kept). */
function readBody(req: IncomingMessage, limitBytes: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limitBytes) chunks.push(chunk);
    });
    req.on('end', () => resolve(size <= limitBytes ? Buffer.concat(chunks) : undefined));
    req.on('error', reject);
  });
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Starts the Invoke API on `host:port` (0 = any free port). */
export async function startInvokeApi(target: InvokeTarget, host: string, port: number): Promise<InvokeApiServer> {
  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendApiError(res, 500, 'ServiceException', `gateway: ${(error as Error).message}`);
      else res.destroy();
    });
  });
  // The SDK keeps connections alive; a server-side idle close racing a new request would fail that request
  // (maxAttempts: 1 means no retry), so idle connections stay open until the client or close() ends them.
  server.keepAliveTimeout = 0;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://gateway');
    const match = INVOKE_PATH.exec(url.pathname);
    if (match === null || req.method !== 'POST') {
      req.resume();
      sendApiError(res, 404, 'UnknownOperationException', `the gateway serves only POST /2015-03-31/functions/{name}/invocations, not ${req.method} ${url.pathname}`);
      return;
    }
    const invocationType = (headerValue(req, 'x-amz-invocation-type') ?? 'RequestResponse') as InvocationType;
    if (!INVOCATION_TYPES.has(invocationType)) {
      req.resume();
      sendApiError(res, 400, 'InvalidParameterValueException', `unknown X-Amz-Invocation-Type ${invocationType}`);
      return;
    }
    const limit = invocationType === 'Event' ? target.maxAsyncPayloadBytes : target.maxSyncPayloadBytes;
    const payload = await readBody(req, limit);
    if (payload === undefined) {
      sendApiError(res, 413, 'RequestTooLargeException', `Request must be smaller than ${limit} bytes for the InvokeFunction operation`);
      return;
    }
    const answer = await target.invoke({
      functionName: decodeURIComponent(match[1] ?? ''),
      qualifier: url.searchParams.get('Qualifier') ?? undefined,
      invocationType,
      payload,
      logTail: headerValue(req, 'x-amz-log-type') === 'Tail',
      clientContext: headerValue(req, 'x-amz-client-context'),
    });
    switch (answer.kind) {
      case 'result': {
        const headers: Record<string, string> = {
          'content-type': 'application/json',
          'x-amzn-requestid': answer.requestId,
          'x-amz-executed-version': '$LATEST',
        };
        if (answer.functionError) headers['x-amz-function-error'] = 'Unhandled';
        if (answer.logResult !== undefined) headers['x-amz-log-result'] = answer.logResult;
        res.writeHead(200, headers).end(answer.payload);
        return;
      }
      case 'accepted':
        res.writeHead(202, { 'x-amzn-requestid': answer.requestId }).end();
        return;
      case 'dry-run':
        res.writeHead(204, { 'x-amzn-requestid': answer.requestId }).end();
        return;
      case 'api-error':
        sendApiError(res, answer.status, answer.errorType, answer.message, answer.extra);
        return;
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    endpoint: `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
