import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { functionNameFor, type Invoker } from './invoker.js';
import type { WorkerInvocation } from './invocation.js';

/** Options of `AwsLambdaInvoker`; every one has an environment default. */
export interface AwsLambdaInvokerOptions {
  /** A Lambda-compatible endpoint (the local gateway); default `$OCTOPLAN_LAMBDA_ENDPOINT`, else AWS itself. */
  readonly endpoint?: string;
  /** Default `$AWS_REGION`, else `us-east-1`. */
  readonly region?: string;
  /** Function name per resources; default `octoplan-worker-<memoryMb>` (`$OCTOPLAN_FUNCTION_PREFIX` changes the prefix). */
  readonly functionName?: (resources: WorkerInvocation['resources']) => string;
  readonly client?: LambdaClient;
}

/**
 * Invokes workers through the AWS SDK's Lambda `Invoke` with `InvocationType: 'Event'` (asynchronous: Lambda queues
 * the event, retries failures, and answers 202). Given an endpoint it talks to any Lambda-compatible server, such as
 * the local gateway; there, when no AWS credentials are configured, fixed local ones are used because the SDK
 * signs every request and a local gateway does not check signatures.
 */
export class AwsLambdaInvoker implements Invoker {
  readonly platform: string;
  private readonly client: LambdaClient;
  private readonly functionName: (resources: WorkerInvocation['resources']) => string;

  constructor(options: AwsLambdaInvokerOptions = {}) {
    const endpoint = options.endpoint ?? process.env.OCTOPLAN_LAMBDA_ENDPOINT;
    const region = options.region ?? process.env.AWS_REGION ?? 'us-east-1';
    const localCredentials = endpoint && !process.env.AWS_ACCESS_KEY_ID ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {};
    this.client = options.client ?? new LambdaClient({ region, ...(endpoint ? { endpoint } : {}), ...localCredentials });
    this.functionName = options.functionName ?? ((r) => functionNameFor(r));
    this.platform = `lambda:${endpoint ?? region}`;
  }

  /** The request `invoke` sends, exposed so its shape can be checked without a server. */
  request(invocation: WorkerInvocation): InvokeCommand {
    return new InvokeCommand({
      FunctionName: this.functionName(invocation.resources),
      InvocationType: 'Event',
      Payload: Buffer.from(JSON.stringify(invocation)),
    });
  }

  async invoke(invocation: WorkerInvocation): Promise<void> {
    const response = await this.client.send(this.request(invocation));
    if (response.StatusCode !== 202) {
      throw new Error(`Lambda ${this.functionName(invocation.resources)} answered ${response.StatusCode} to an Event invocation (expected 202)`);
    }
  }

  /** Releases the SDK's sockets. */
  close(): void {
    this.client.destroy();
  }
}
