/**
 * The Lambda Runtime API (2018-06-01) as the gateway serves it to one instance. Each instance gets its own server
 * on a free loopback port, because the protocol has no instance identity: `aws-lambda-ric` and our bootstrap only
 * know `AWS_LAMBDA_RUNTIME_API=host:port`.
 *
 *   GET  /2018-06-01/runtime/invocation/next             held open until the gateway has an event for the instance
 *   POST /2018-06-01/runtime/invocation/{id}/response    the handler's result (raw JSON bytes)
 *   POST /2018-06-01/runtime/invocation/{id}/error       {errorType, errorMessage, trace}
 *   POST /2018-06-01/runtime/init/error                  the module failed to load
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LambdaErrorPayload } from './types.js';

/** An event handed to an instance in answer to `next`. */
export interface RuntimeEvent {
  requestId: string;
  payload: Buffer;
  /** Epoch ms at which the invocation times out (header Lambda-Runtime-Deadline-Ms). */
  deadlineMs: number;
  invokedFunctionArn: string;
  /** Base64-decoded client context JSON from the Invoke call, if any. */
  clientContext?: string;
}

/** What the gateway does with the instance's requests. */
export interface RuntimeApiHandlers {
  /** The instance asks for work; call `deliver` once, now or later. */
  onNext(deliver: (event: RuntimeEvent) => void): void;
  /** The handler returned; false when `requestId` is not the instance's current invocation. */
  onResponse(requestId: string, body: Buffer): boolean;
  /** The handler failed; false when `requestId` is not the instance's current invocation. */
  onError(requestId: string, error: LambdaErrorPayload): boolean;
  /** The instance could not initialize. */
  onInitError(error: LambdaErrorPayload): void;
}

/** A running per-instance Runtime API. */
export interface RuntimeApiServer {
  /** `host:port`, the value of the instance's AWS_LAMBDA_RUNTIME_API. */
  readonly address: string;
  /** Stops listening and drops open connections (the held `next` of a dead instance). */
  close(): Promise<void>;
}

const PREFIX = '/2018-06-01/runtime';

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Parses an error body; a runtime may post something that is not Lambda's JSON shape, which is kept as the message. */
function parseError(body: Buffer, typeHeader: string | string[] | undefined): LambdaErrorPayload {
  const fallbackType = (Array.isArray(typeHeader) ? typeHeader[0] : typeHeader) || 'Unhandled';
  try {
    const parsed = JSON.parse(body.toString('utf8')) as Partial<LambdaErrorPayload>;
    return {
      errorType: typeof parsed.errorType === 'string' ? parsed.errorType : fallbackType,
      errorMessage: typeof parsed.errorMessage === 'string' ? parsed.errorMessage : '',
      trace: Array.isArray(parsed.trace) ? parsed.trace.map(String) : [],
    };
  } catch {
    return { errorType: fallbackType, errorMessage: body.toString('utf8'), trace: [] };
  }
}

function reply(res: ServerResponse, status: number, body: object): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/** Starts one instance's Runtime API on `host`, port chosen by the kernel. */
export async function startRuntimeApi(host: string, handlers: RuntimeApiHandlers): Promise<RuntimeApiServer> {
  const server = createServer((req, res) => {
    void route(req, res).catch((error: unknown) => {
      if (!res.headersSent) reply(res, 500, { errorType: 'ServiceException', errorMessage: (error as Error).message });
    });
  });
  // 0 turns the keep-alive timeout off: the instance reuses one connection, and a server-side close racing the
  // next request would show up as a spurious ECONNRESET in the instance.
  server.keepAliveTimeout = 0;

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '';
    if (req.method === 'GET' && url === `${PREFIX}/invocation/next`) {
      let delivered = false;
      res.on('close', () => {
        delivered = true; // a closed connection cannot take an event any more
      });
      handlers.onNext((event) => {
        if (delivered) return;
        delivered = true;
        const headers: Record<string, string> = {
          'content-type': 'application/json',
          'lambda-runtime-aws-request-id': event.requestId,
          'lambda-runtime-deadline-ms': String(Math.round(event.deadlineMs)),
          'lambda-runtime-invoked-function-arn': event.invokedFunctionArn,
          'lambda-runtime-trace-id': `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${event.requestId.replace(/-/g, '').slice(0, 24)};Sampled=0`,
        };
        if (event.clientContext !== undefined) headers['lambda-runtime-client-context'] = event.clientContext;
        res.writeHead(200, headers).end(event.payload);
      });
      return;
    }
    const body = await readBody(req);
    const match = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/.exec(url);
    if (req.method === 'POST' && match) {
      const requestId = decodeURIComponent(match[1] ?? '');
      const known =
        match[2] === 'response'
          ? handlers.onResponse(requestId, body)
          : handlers.onError(requestId, parseError(body, req.headers['lambda-runtime-function-error-type']));
      if (known) reply(res, 202, { status: 'OK' });
      else reply(res, 400, { errorType: 'InvalidRequestID', errorMessage: `unknown or finished request id ${requestId}` });
      return;
    }
    if (req.method === 'POST' && url === `${PREFIX}/init/error`) {
      handlers.onInitError(parseError(body, req.headers['lambda-runtime-function-error-type']));
      reply(res, 202, { status: 'OK' });
      return;
    }
    reply(res, 404, { errorType: 'NotFound', errorMessage: `no Runtime API route ${req.method} ${url}` });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    address: `${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
