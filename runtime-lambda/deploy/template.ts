/**
 * An AWS CloudFormation template (JSON; `sam deploy` takes it as is) that deploys the worker to real Lambda: one
 * function per memory size (`<prefix>-<memoryMb>`, handler `index.handler` of the bundle), in a
 * VPC with Redis on ElastiCache, an execution role that may invoke exactly these functions, async retries set by an
 * `AWS::Lambda::EventInvokeConfig` per function, and optional reserved concurrency. Runtime nodejs22.x by default
 * (`package-layout.ts` says why not nodejs20.x).
 *
 * Usage: `npx tsx runtime-lambda/deploy/template.ts (--memory 1024,2048 | --plan plan.json) [--code build/worker.zip]
 * [--out template.json] [--prefix octoplan-worker] [--redis-url URL] [--lambda-endpoint] [--reserved-concurrency N]
 * [--timeout 900] [--arm64] [--runtime nodejs22.x] [--max-event-age S]`. See README.md for deploying it.
 */
import { writeFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '../../core/errors.js';
import { DEFAULT_BUILD_DIR } from './bundle.js';
import { memorySizesOfPlanFile, parseMemoryList } from './memory-sizes.js';
import { DEFAULT_LAMBDA_RUNTIME, LAMBDA_HANDLER, type LambdaNodeRuntime } from './package-layout.js';
import { DEFAULT_FUNCTION_PREFIX, DEFAULT_MAX_RETRY_ATTEMPTS, DEFAULT_TIMEOUT_S, resolveDeployment, workerEnvironment, workerFunctionName } from './requests.js';

/** Options of `workerTemplate`. */
export interface TemplateOptions {
  readonly memorySizesMb: readonly number[];
  /** Default `octoplan-worker`. */
  readonly functionPrefix?: string;
  /**
   * The functions' `Code`: a local path (the bundle's `worker.zip`), which `sam deploy` / `aws cloudformation package`
   * uploads to S3 and replaces, or `{ s3Bucket, s3Key }` of an uploaded package.
   */
  readonly code: string | { readonly s3Bucket: string; readonly s3Key: string };
  /**
   * An existing Redis (`redis://host:port`) instead of an ElastiCache cluster created by the stack; it must be
   * reachable from the given subnets.
   */
  readonly redisUrl?: string;
  /**
   * Create an interface VPC endpoint for the Lambda API, so workers in private subnets can invoke each other without a
   * NAT gateway. Leave out when the subnets already route to the internet through NAT (or have such an endpoint).
   */
  readonly lambdaEndpoint?: boolean;
  readonly reservedConcurrency?: number;
  /** Default 900 s. */
  readonly timeoutS?: number;
  /** Default `x86_64`. */
  readonly architecture?: 'x86_64' | 'arm64';
  /** Default nodejs22.x (`package-layout.ts`: Lambda no longer creates nodejs20.x functions). */
  readonly runtime?: LambdaNodeRuntime;
  /** Default 2. */
  readonly maximumRetryAttempts?: number;
  readonly maximumEventAgeS?: number;
}

/** A CloudFormation template as JSON data. */
export interface CloudFormationTemplate {
  readonly AWSTemplateFormatVersion: '2010-09-09';
  readonly Description: string;
  readonly Parameters: Record<string, object>;
  readonly Resources: Record<string, { readonly Type: string; readonly Properties?: Record<string, unknown>; readonly [key: string]: unknown }>;
  readonly Outputs: Record<string, object>;
}

/** Logical id of the function for `memoryMb` (CloudFormation ids are alphanumeric). */
export function workerLogicalId(memoryMb: number): string {
  return `Worker${memoryMb}`;
}

/** The Redis URL the workers get when the stack creates the ElastiCache cluster. */
const CREATED_REDIS_URL = { 'Fn::Sub': 'redis://${RedisCluster.RedisEndpoint.Address}:${RedisCluster.RedisEndpoint.Port}' };
const REDIS_PORT = 6379;

/**
 * Builds the template. VPC and subnets are parameters (every account has its own); the security groups, the role,
 * the functions, their retry settings and (unless `redisUrl` is given) the ElastiCache cluster are resources. Checks
 * the settings as the SDK path does (`resolveDeployment`), so both paths refuse the same mistakes.
 */
export function workerTemplate(options: TemplateOptions): CloudFormationTemplate {
  const prefix = options.functionPrefix ?? DEFAULT_FUNCTION_PREFIX;
  // Placeholders where the template has references: the checks apply to the literal settings only.
  resolveDeployment({
    memorySizesMb: options.memorySizesMb,
    functionPrefix: prefix,
    roleArn: 'arn:aws:iam::000000000000:role/checked-by-cloudformation',
    redisUrl: options.redisUrl ?? 'redis://created-by-the-stack:6379',
    subnetIds: ['subnet-0'],
    securityGroupIds: ['sg-0'],
    ...(options.timeoutS !== undefined ? { timeoutS: options.timeoutS } : {}),
    ...(options.architecture !== undefined ? { architecture: options.architecture } : {}),
    ...(options.runtime !== undefined ? { runtime: options.runtime } : {}),
    ...(options.maximumRetryAttempts !== undefined ? { maximumRetryAttempts: options.maximumRetryAttempts } : {}),
    ...(options.maximumEventAgeS !== undefined ? { maximumEventAgeS: options.maximumEventAgeS } : {}),
    ...(options.reservedConcurrency !== undefined ? { reservedConcurrency: options.reservedConcurrency } : {}),
  });
  const sizes = [...new Set(options.memorySizesMb)].sort((a, b) => a - b);
  const createRedis = options.redisUrl === undefined;
  const naming = { memorySizesMb: sizes, functionPrefix: prefix };

  const parameters: Record<string, object> = {
    VpcId: { Type: 'AWS::EC2::VPC::Id', Description: 'The VPC of the workers (and of Redis)' },
    SubnetIds: {
      Type: 'List<AWS::EC2::Subnet::Id>',
      Description: 'Private subnets of that VPC for the workers (and the Redis subnet group); two in different AZs for availability',
    },
  };
  if (createRedis) {
    parameters.RedisNodeType = { Type: 'String', Default: 'cache.t3.micro', Description: 'ElastiCache node type of the Redis cluster' };
  }

  const resources: Record<string, { Type: string; Properties: Record<string, unknown>; [key: string]: unknown }> = {};
  resources.WorkerSecurityGroup = {
    Type: 'AWS::EC2::SecurityGroup',
    Properties: {
      GroupDescription: 'octoplan workers: outbound to Redis and to the Lambda API',
      VpcId: { Ref: 'VpcId' },
      SecurityGroupEgress: [{ IpProtocol: '-1', CidrIp: '0.0.0.0/0', Description: 'Redis, the Lambda API' }],
    },
  };
  if (createRedis) {
    resources.RedisSecurityGroup = {
      Type: 'AWS::EC2::SecurityGroup',
      Properties: {
        GroupDescription: 'octoplan Redis: accepts the workers (and a run client given the worker security group)',
        VpcId: { Ref: 'VpcId' },
        SecurityGroupIngress: [
          { IpProtocol: 'tcp', FromPort: REDIS_PORT, ToPort: REDIS_PORT, SourceSecurityGroupId: { 'Fn::GetAtt': ['WorkerSecurityGroup', 'GroupId'] }, Description: 'workers' },
        ],
      },
    };
    resources.RedisSubnetGroup = {
      Type: 'AWS::ElastiCache::SubnetGroup',
      Properties: { Description: 'octoplan Redis subnets', SubnetIds: { Ref: 'SubnetIds' } },
    };
    resources.RedisCluster = {
      Type: 'AWS::ElastiCache::CacheCluster',
      Properties: {
        // Cluster mode disabled, one node: the runtime uses MULTI, pub/sub and SCAN on a single keyspace.
        Engine: 'redis',
        CacheNodeType: { Ref: 'RedisNodeType' },
        NumCacheNodes: 1,
        Port: REDIS_PORT,
        CacheSubnetGroupName: { Ref: 'RedisSubnetGroup' },
        VpcSecurityGroupIds: [{ 'Fn::GetAtt': ['RedisSecurityGroup', 'GroupId'] }],
      },
    };
  }
  if (options.lambdaEndpoint) {
    resources.LambdaEndpointSecurityGroup = {
      Type: 'AWS::EC2::SecurityGroup',
      Properties: {
        GroupDescription: 'octoplan: the Lambda API endpoint accepts HTTPS from the workers',
        VpcId: { Ref: 'VpcId' },
        SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, SourceSecurityGroupId: { 'Fn::GetAtt': ['WorkerSecurityGroup', 'GroupId'] } }],
      },
    };
    resources.LambdaEndpoint = {
      Type: 'AWS::EC2::VPCEndpoint',
      Properties: {
        VpcEndpointType: 'Interface',
        ServiceName: { 'Fn::Sub': 'com.amazonaws.${AWS::Region}.lambda' },
        VpcId: { Ref: 'VpcId' },
        SubnetIds: { Ref: 'SubnetIds' },
        SecurityGroupIds: [{ 'Fn::GetAtt': ['LambdaEndpointSecurityGroup', 'GroupId'] }],
        // The SDK in the workers resolves lambda.<region>.amazonaws.com to the endpoint: no configuration in the code.
        PrivateDnsEnabled: true,
      },
    };
  }
  resources.WorkerRole = {
    Type: 'AWS::IAM::Role',
    Properties: {
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      },
      // Network interfaces in the VPC and CloudWatch Logs.
      ManagedPolicyArns: [{ 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole' }],
      Policies: [
        {
          PolicyName: 'invoke-octoplan-workers',
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Action: 'lambda:InvokeFunction',
                // By name rather than by reference: the functions depend on the role, so a reference would be a cycle.
                Resource: sizes.map((m) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:lambda:\${AWS::Region}:\${AWS::AccountId}:function:${workerFunctionName(naming, m)}` })),
              },
            ],
          },
        },
      ],
    },
  };

  const environment = workerEnvironment({ ...naming, redisUrl: options.redisUrl ?? '' });
  const code = typeof options.code === 'string' ? options.code : { S3Bucket: options.code.s3Bucket, S3Key: options.code.s3Key };
  for (const memoryMb of sizes) {
    const id = workerLogicalId(memoryMb);
    resources[id] = {
      Type: 'AWS::Lambda::Function',
      Properties: {
        FunctionName: workerFunctionName(naming, memoryMb),
        Description: `octoplan worker, ${memoryMb} MB: carries out the scheduler core's commands (runtime-lambda/worker/handler.ts)`,
        Runtime: options.runtime ?? DEFAULT_LAMBDA_RUNTIME,
        Handler: LAMBDA_HANDLER,
        Code: code,
        MemorySize: memoryMb,
        Timeout: options.timeoutS ?? DEFAULT_TIMEOUT_S,
        Architectures: [options.architecture ?? 'x86_64'],
        Role: { 'Fn::GetAtt': ['WorkerRole', 'Arn'] },
        Environment: { Variables: { ...environment, OCTOPLAN_REDIS_URL: createRedis ? CREATED_REDIS_URL : options.redisUrl } },
        VpcConfig: { SubnetIds: { Ref: 'SubnetIds' }, SecurityGroupIds: [{ 'Fn::GetAtt': ['WorkerSecurityGroup', 'GroupId'] }] },
        ...(options.reservedConcurrency !== undefined ? { ReservedConcurrentExecutions: options.reservedConcurrency } : {}),
      },
      // A worker started before the endpoint exists could not invoke the next one.
      ...(options.lambdaEndpoint ? { DependsOn: ['LambdaEndpoint'] } : {}),
    };
    resources[`${id}InvokeConfig`] = {
      Type: 'AWS::Lambda::EventInvokeConfig',
      Properties: {
        FunctionName: { Ref: id },
        Qualifier: '$LATEST',
        MaximumRetryAttempts: options.maximumRetryAttempts ?? DEFAULT_MAX_RETRY_ATTEMPTS,
        ...(options.maximumEventAgeS !== undefined ? { MaximumEventAgeInSeconds: options.maximumEventAgeS } : {}),
      },
    };
  }

  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: `octoplan workers on Lambda (${sizes.map((m) => `${m} MB`).join(', ')})${createRedis ? ' with Redis on ElastiCache' : ''}`,
    Parameters: parameters,
    Resources: resources,
    Outputs: {
      RedisUrl: { Description: 'OCTOPLAN_REDIS_URL of the workers (and of the run client)', Value: createRedis ? CREATED_REDIS_URL : options.redisUrl! },
      WorkerSecurityGroupId: {
        Description: 'Give a run client in the VPC this security group to reach Redis',
        Value: { 'Fn::GetAtt': ['WorkerSecurityGroup', 'GroupId'] },
      },
      WorkerRoleArn: { Description: 'Execution role of the workers', Value: { 'Fn::GetAtt': ['WorkerRole', 'Arn'] } },
      WorkerFunctions: { Description: 'The worker functions, one per memory size', Value: sizes.map((m) => workerFunctionName(naming, m)).join(',') },
    },
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      memory: { type: 'string' },
      plan: { type: 'string' },
      code: { type: 'string' },
      out: { type: 'string' },
      prefix: { type: 'string' },
      'redis-url': { type: 'string' },
      'lambda-endpoint': { type: 'boolean', default: false },
      'reserved-concurrency': { type: 'string' },
      timeout: { type: 'string' },
      arm64: { type: 'boolean', default: false },
      runtime: { type: 'string' },
      'max-event-age': { type: 'string' },
    },
  });
  if ((values.memory === undefined) === (values.plan === undefined)) throw new ConfigError('give the memory sizes with either --memory 1024,2048 or --plan plan.json');
  const memorySizesMb = values.memory !== undefined ? parseMemoryList(values.memory) : await memorySizesOfPlanFile(values.plan!);
  const out = values.out ? resolve(values.out) : undefined;
  const codePath = resolve(values.code ?? `${DEFAULT_BUILD_DIR}/worker.zip`);
  const template = workerTemplate({
    memorySizesMb,
    // CloudFormation packaging resolves a relative Code path against the template's folder.
    code: out ? relative(resolve(out, '..'), codePath) || '.' : codePath,
    ...(values.prefix !== undefined ? { functionPrefix: values.prefix } : {}),
    ...(values['redis-url'] !== undefined ? { redisUrl: values['redis-url'] } : {}),
    lambdaEndpoint: values['lambda-endpoint'],
    ...(values['reserved-concurrency'] !== undefined ? { reservedConcurrency: Number(values['reserved-concurrency']) } : {}),
    ...(values.timeout !== undefined ? { timeoutS: Number(values.timeout) } : {}),
    ...(values.arm64 ? { architecture: 'arm64' as const } : {}),
    ...(values.runtime !== undefined ? { runtime: values.runtime as LambdaNodeRuntime } : {}),
    ...(values['max-event-age'] !== undefined ? { maximumEventAgeS: Number(values['max-event-age']) } : {}),
  });
  const text = `${JSON.stringify(template, null, 2)}\n`;
  if (out) {
    await writeFile(out, text, 'utf8');
    console.error(`wrote ${out}: ${Object.keys(template.Resources).length} resources, worker functions for ${memorySizesMb.join(', ')} MB`);
  } else process.stdout.write(text);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    await main();
  } catch (e) {
    // parseArgs reports unknown flags as a TypeError with a readable message: one line, no stack.
    if (!(e instanceof ConfigError) && (e as Error).name !== 'TypeError') throw e;
    console.error(`template: ${(e as Error).message}`);
    process.exitCode = 1;
  }
}
