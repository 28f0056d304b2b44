import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../core/errors.js';
import { resources } from '../../../core/resources.js';
import { AwsLambdaInvoker } from '../../../runtime-lambda/worker/aws-invoker.js';
import { parseInvocation, type WorkerInvocation } from '../../../runtime-lambda/worker/invocation.js';
import {
  createFunctionRequest,
  eventInvokeConfigRequest,
  functionConcurrencyRequest,
  redactedUrl,
  resolveDeployment,
  runStartInvokeRequest,
  updateFunctionCodeRequest,
  updateFunctionConfigurationRequest,
  workerRolePolicies,
  type WorkerDeployment,
} from '../../../runtime-lambda/deploy/requests.js';

const DEPLOYMENT: WorkerDeployment = {
  memorySizesMb: [1024, 2048],
  roleArn: 'arn:aws:iam::123456789012:role/octoplan-worker',
  redisUrl: 'redis://octoplan.abc123.0001.euw1.cache.amazonaws.com:6379',
  subnetIds: ['subnet-0a1b2c', 'subnet-0d4e5f'],
  securityGroupIds: ['sg-0123abcd'],
};
const ZIP = new Uint8Array([0x50, 0x4b, 0x05, 0x06]);

/** The settings every worker function has, whatever its memory. */
const COMMON = {
  Role: 'arn:aws:iam::123456789012:role/octoplan-worker',
  Handler: 'index.handler',
  Runtime: 'nodejs22.x',
  Timeout: 900,
  Environment: { Variables: { OCTOPLAN_REDIS_URL: 'redis://octoplan.abc123.0001.euw1.cache.amazonaws.com:6379', OCTOPLAN_FUNCTION_PREFIX: 'octoplan-worker' } },
  VpcConfig: { SubnetIds: ['subnet-0a1b2c', 'subnet-0d4e5f'], SecurityGroupIds: ['sg-0123abcd'] },
};

describe('SDK deployment requests', () => {
  it('CreateFunction: one function per memory size, named as the invoker names it, with handler, env, VPC and role', () => {
    expect(createFunctionRequest(DEPLOYMENT, 1024, { zipFile: ZIP })).toEqual({
      FunctionName: 'octoplan-worker-1024',
      ...COMMON,
      MemorySize: 1024,
      Description: "octoplan worker, 1024 MB: carries out the scheduler core's commands (runtime-lambda/worker/handler.ts)",
      Code: { ZipFile: ZIP },
      PackageType: 'Zip',
      Architectures: ['x86_64'],
      Publish: false,
    });
    expect(createFunctionRequest({ ...DEPLOYMENT, functionPrefix: 'exp7', timeoutS: 120, architecture: 'arm64', runtime: 'nodejs24.x' }, 2048, { s3Bucket: 'b', s3Key: 'k.zip' })).toEqual({
      FunctionName: 'exp7-2048',
      ...COMMON,
      Runtime: 'nodejs24.x',
      Timeout: 120,
      Environment: { Variables: { ...COMMON.Environment.Variables, OCTOPLAN_FUNCTION_PREFIX: 'exp7' } },
      MemorySize: 2048,
      Description: "octoplan worker, 2048 MB: carries out the scheduler core's commands (runtime-lambda/worker/handler.ts)",
      Code: { S3Bucket: 'b', S3Key: 'k.zip' },
      PackageType: 'Zip',
      Architectures: ['arm64'],
      Publish: false,
    });
  });

  it('UpdateFunctionCode and UpdateFunctionConfiguration for an existing function', () => {
    expect(updateFunctionCodeRequest(DEPLOYMENT, 2048, { zipFile: ZIP })).toEqual({
      FunctionName: 'octoplan-worker-2048',
      ZipFile: ZIP,
      Architectures: ['x86_64'],
      Publish: false,
    });
    expect(updateFunctionConfigurationRequest(DEPLOYMENT, 2048)).toEqual({
      FunctionName: 'octoplan-worker-2048',
      ...COMMON,
      MemorySize: 2048,
      Description: "octoplan worker, 2048 MB: carries out the scheduler core's commands (runtime-lambda/worker/handler.ts)",
    });
  });

  it('PutFunctionEventInvokeConfig: two async retries by default; PutFunctionConcurrency only when reserved', () => {
    expect(eventInvokeConfigRequest(DEPLOYMENT, 1024)).toEqual({ FunctionName: 'octoplan-worker-1024', Qualifier: '$LATEST', MaximumRetryAttempts: 2 });
    expect(eventInvokeConfigRequest({ ...DEPLOYMENT, maximumRetryAttempts: 0, maximumEventAgeS: 3600 }, 1024)).toEqual({
      FunctionName: 'octoplan-worker-1024',
      Qualifier: '$LATEST',
      MaximumRetryAttempts: 0,
      MaximumEventAgeInSeconds: 3600,
    });
    expect(functionConcurrencyRequest(DEPLOYMENT, 1024)).toBeUndefined();
    expect(functionConcurrencyRequest({ ...DEPLOYMENT, reservedConcurrency: 50 }, 1024)).toEqual({ FunctionName: 'octoplan-worker-1024', ReservedConcurrentExecutions: 50 });
  });

  it('Invoke for a run start: Event type, the payload the handler parses, the same request as the runtime invoker', () => {
    const invocation: WorkerInvocation = {
      runId: 'gemm-r1',
      workerId: 'w0',
      instanceId: 'w0',
      resources: resources(2048),
      taskIds: ['gemm-0-0', 'gemm-0-1'],
      invokedAtEpochMs: 1_764_600_000_000,
    };
    const request = runStartInvokeRequest(invocation);
    expect(request).toEqual({ FunctionName: 'octoplan-worker-2048', InvocationType: 'Event', Payload: Buffer.from(JSON.stringify(invocation)) });
    expect(parseInvocation(JSON.parse(Buffer.from(request.Payload as Uint8Array).toString('utf8')))).toEqual(invocation);
    const invoker = new AwsLambdaInvoker({ region: 'eu-west-1', functionName: (r) => `octoplan-worker-${r.memoryMb}` });
    try {
      expect(invoker.request(invocation).input).toEqual(request);
    } finally {
      invoker.close();
    }
    expect(runStartInvokeRequest({ ...invocation, preWarm: true, taskIds: [], resources: resources(4096) }, 'exp7').FunctionName).toBe('exp7-4096');
  });

  it('the IAM documents allow invoking exactly the worker functions', () => {
    expect(workerRolePolicies(DEPLOYMENT, 'eu-west-1', '123456789012')).toEqual({
      trustPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
      invokePolicy: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: 'lambda:InvokeFunction',
            Resource: ['arn:aws:lambda:eu-west-1:123456789012:function:octoplan-worker-1024', 'arn:aws:lambda:eu-west-1:123456789012:function:octoplan-worker-2048'],
          },
        ],
      },
      managedPolicyArn: 'arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole',
    });
  });

  it('refuses what Lambda would refuse, naming the field', () => {
    const cases: [Partial<WorkerDeployment>, RegExp][] = [
      [{ memorySizesMb: [] }, /field 'memorySizesMb' must name at least one memory size/],
      [{ memorySizesMb: [1024, 64] }, /field 'memorySizesMb\[1\]': memory must be an integer number of MB from 128 to 10240, got 64/],
      [{ roleArn: 'octoplan-worker' }, /field 'roleArn' must be an IAM role ARN/],
      [{ redisUrl: 'localhost:6379' }, /field 'redisUrl' must be a redis:\/\/ or rediss:\/\/ URL/],
      [{ subnetIds: [] }, /field 'subnetIds' must name at least one subnet/],
      [{ subnetIds: ['sub-1'] }, /field 'subnetIds\[0\]' must be a subnet id/],
      [{ securityGroupIds: ['default'] }, /field 'securityGroupIds\[0\]' must be a security group id/],
      [{ timeoutS: 901 }, /field 'timeoutS' must be an integer from 1 to 900 s, got 901/],
      [{ maximumRetryAttempts: 3 }, /field 'maximumRetryAttempts' must be 0, 1 or 2, got 3/],
      [{ maximumEventAgeS: 30 }, /field 'maximumEventAgeS' must be an integer from 60 to 21600 s, got 30/],
      [{ reservedConcurrency: -1 }, /field 'reservedConcurrency' must be an integer >= 0, got -1/],
      [{ functionPrefix: 'octoplan worker' }, /field 'functionPrefix' must be 1-58 letters/],
      [{ runtime: 'nodejs18.x' as never }, /field 'runtime' must be one of nodejs22.x, nodejs24.x, nodejs20.x/],
    ];
    for (const [change, message] of cases) {
      expect(() => resolveDeployment({ ...DEPLOYMENT, ...change })).toThrow(ConfigError);
      expect(() => resolveDeployment({ ...DEPLOYMENT, ...change })).toThrow(message);
    }
  });

  it('hides a Redis password in printed URLs', () => {
    expect(redactedUrl('redis://:s3cret@host:6379')).toBe('redis://:***@host:6379');
    expect(redactedUrl('rediss://default:s3cret@host:6379')).toBe('rediss://default:***@host:6379');
    expect(redactedUrl('redis://host:6379')).toBe('redis://host:6379');
  });
});
