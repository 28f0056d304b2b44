import { describe, expect, it } from 'vitest';
import { deployWorkers, dryRunRequests, type LambdaSender } from '../../../runtime-lambda/deploy/deploy.js';
import {
  createFunctionRequest,
  eventInvokeConfigRequest,
  updateFunctionCodeRequest,
  updateFunctionConfigurationRequest,
  type WorkerDeployment,
} from '../../../runtime-lambda/deploy/requests.js';

const DEPLOYMENT: WorkerDeployment = {
  memorySizesMb: [2048, 1024],
  roleArn: 'arn:aws:iam::123456789012:role/octoplan-worker',
  redisUrl: 'redis://octoplan.abc123.0001.euw1.cache.amazonaws.com:6379',
  subnetIds: ['subnet-0a1b2c'],
  securityGroupIds: ['sg-0123abcd'],
};
const CODE = { zipFile: new Uint8Array([1, 2, 3]) };
const SHA = 'A+local+code+sha256=';

interface Existing {
  readonly codeSha256: string;
  readonly reserved?: number;
}

/**
 * Stands in for `LambdaClient`: records every command (its class name and input) and answers as Lambda does —
 * `GetFunction` of a missing function throws ResourceNotFoundException; a function is Active and its last update
 * Successful as soon as asked (what the SDK waiters poll for).
 */
function recordingClient(existing: Record<string, Existing>): { client: LambdaSender; sent: { command: string; input: unknown }[] } {
  const sent: { command: string; input: unknown }[] = [];
  const client = {
    send: async (command: { constructor: { name: string }; input: { FunctionName?: string } }) => {
      const name = command.constructor.name.replace(/Command$/, '');
      sent.push({ command: name, input: command.input });
      const fn = command.input.FunctionName!;
      if (name === 'GetFunction') {
        const found = existing[fn];
        // Waiters poll GetFunction after a create too: by then the function exists.
        const created = sent.some((s) => s.command === 'CreateFunction' && (s.input as { FunctionName: string }).FunctionName === fn);
        if (!found && !created) throw Object.assign(new Error(`Function not found: ${fn}`), { name: 'ResourceNotFoundException' });
        return {
          Configuration: { FunctionName: fn, State: 'Active', LastUpdateStatus: 'Successful', CodeSha256: found?.codeSha256 },
          ...(found?.reserved !== undefined ? { Concurrency: { ReservedConcurrentExecutions: found.reserved } } : {}),
        };
      }
      return {};
    },
  } as unknown as LambdaSender;
  return { client, sent };
}

describe('deployWorkers (recording client, no AWS)', () => {
  it('a first deployment creates each function, waits until Active, then sets its async retries', async () => {
    const { client, sent } = recordingClient({});
    const done = await deployWorkers(client, DEPLOYMENT, CODE, { codeSha256: SHA });
    expect(done).toEqual([
      { functionName: 'octoplan-worker-1024', memoryMb: 1024, action: 'created' },
      { functionName: 'octoplan-worker-2048', memoryMb: 2048, action: 'created' },
    ]);
    expect(sent).toEqual([
      { command: 'GetFunction', input: { FunctionName: 'octoplan-worker-1024' } },
      { command: 'CreateFunction', input: createFunctionRequest(DEPLOYMENT, 1024, CODE) },
      // waitUntilFunctionActiveV2 polls GetFunction until State is Active.
      { command: 'GetFunction', input: { FunctionName: 'octoplan-worker-1024' } },
      { command: 'PutFunctionEventInvokeConfig', input: { FunctionName: 'octoplan-worker-1024', Qualifier: '$LATEST', MaximumRetryAttempts: 2 } },
      { command: 'GetFunction', input: { FunctionName: 'octoplan-worker-2048' } },
      { command: 'CreateFunction', input: createFunctionRequest(DEPLOYMENT, 2048, CODE) },
      { command: 'GetFunction', input: { FunctionName: 'octoplan-worker-2048' } },
      { command: 'PutFunctionEventInvokeConfig', input: eventInvokeConfigRequest(DEPLOYMENT, 2048) },
    ]);
  });

  it('a redeployment updates code only where it changed, always the configuration, and waits after each update', async () => {
    const { client, sent } = recordingClient({ 'octoplan-worker-1024': { codeSha256: SHA }, 'octoplan-worker-2048': { codeSha256: 'older=' } });
    const done = await deployWorkers(client, DEPLOYMENT, CODE, { codeSha256: SHA });
    expect(done.map((d) => d.action)).toEqual(['configuration-updated', 'updated']);
    expect(sent.map((s) => s.command)).toEqual([
      'GetFunction',
      'UpdateFunctionConfiguration',
      'GetFunction', // waitUntilFunctionUpdatedV2
      'PutFunctionEventInvokeConfig',
      'GetFunction',
      'UpdateFunctionCode',
      'GetFunction',
      'UpdateFunctionConfiguration',
      'GetFunction',
      'PutFunctionEventInvokeConfig',
    ]);
    expect(sent.filter((s) => s.command.startsWith('Update'))).toEqual([
      { command: 'UpdateFunctionConfiguration', input: updateFunctionConfigurationRequest(DEPLOYMENT, 1024) },
      { command: 'UpdateFunctionCode', input: updateFunctionCodeRequest(DEPLOYMENT, 2048, CODE) },
      { command: 'UpdateFunctionConfiguration', input: updateFunctionConfigurationRequest(DEPLOYMENT, 2048) },
    ]);
  });

  it('reserves concurrency when asked, and releases an earlier reservation when not', async () => {
    const reserved = recordingClient({});
    await deployWorkers(reserved.client, { ...DEPLOYMENT, memorySizesMb: [1024], reservedConcurrency: 10 }, CODE);
    expect(reserved.sent.at(-1)).toEqual({ command: 'PutFunctionConcurrency', input: { FunctionName: 'octoplan-worker-1024', ReservedConcurrentExecutions: 10 } });
    const released = recordingClient({ 'octoplan-worker-1024': { codeSha256: SHA, reserved: 10 } });
    await deployWorkers(released.client, { ...DEPLOYMENT, memorySizesMb: [1024] }, CODE, { codeSha256: SHA });
    expect(released.sent.at(-1)).toEqual({ command: 'DeleteFunctionConcurrency', input: { FunctionName: 'octoplan-worker-1024' } });
  });

  it('a failing request names the function and the request', async () => {
    const client = {
      send: async (command: { constructor: { name: string } }) => {
        if (command.constructor.name === 'GetFunctionCommand') throw Object.assign(new Error('User is not authorized to perform: lambda:GetFunction'), { name: 'AccessDeniedException' });
        return {};
      },
    } as unknown as LambdaSender;
    await expect(deployWorkers(client, DEPLOYMENT, CODE)).rejects.toThrow(
      'octoplan-worker-1024: GetFunction failed: AccessDeniedException: User is not authorized to perform: lambda:GetFunction',
    );
  });

  it('--dry-run shows the first deployment\'s requests with the zip by size', () => {
    expect(dryRunRequests({ ...DEPLOYMENT, memorySizesMb: [1024], reservedConcurrency: 3 }, CODE, SHA)).toEqual([
      { command: 'CreateFunction', input: { ...createFunctionRequest(DEPLOYMENT, 1024, CODE), Code: { ZipFile: `<zip, 3 bytes, CodeSha256 ${SHA}>` } } },
      { command: 'PutFunctionEventInvokeConfig', input: eventInvokeConfigRequest(DEPLOYMENT, 1024) },
      { command: 'PutFunctionConcurrency', input: { FunctionName: 'octoplan-worker-1024', ReservedConcurrentExecutions: 3 } },
    ]);
  });
});
