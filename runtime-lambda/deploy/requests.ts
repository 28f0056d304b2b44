/**
 * The requests of the direct SDK deployment path, as plain `@aws-sdk/client-lambda` command inputs built by pure
 * functions, so their shapes are unit-tested without AWS; `deploy.ts` sends them. One worker function per memory
 * size, named as the runtime's invoker names them (`functionNameFor`: `<prefix>-<memoryMb>`), all running the bundle
 * of `runtime-lambda/worker/handler.ts` with the run's Redis in `OCTOPLAN_REDIS_URL`.
 */
import type {
  Architecture,
  CreateFunctionCommandInput,
  FunctionCode,
  InvokeCommandInput,
  PutFunctionConcurrencyCommandInput,
  PutFunctionEventInvokeConfigCommandInput,
  UpdateFunctionCodeCommandInput,
  UpdateFunctionConfigurationCommandInput,
} from '@aws-sdk/client-lambda';
import { ConfigError } from '../../core/errors.js';
import type { WorkerInvocation } from '../worker/invocation.js';
import { functionNameFor } from '../worker/invoker.js';
import { DEFAULT_LAMBDA_RUNTIME, LAMBDA_HANDLER, LAMBDA_NODE_RUNTIMES, type LambdaNodeRuntime } from './package-layout.js';
import { checkMemoryMb } from './memory-sizes.js';

/** The function-name prefix the handler's invoker uses unless `OCTOPLAN_FUNCTION_PREFIX` says otherwise. */
export const DEFAULT_FUNCTION_PREFIX = 'octoplan-worker';
/**
 * Default timeout: Lambda's maximum. A fixed worker lives from its first task until its last one, waiting on
 * upstream tasks of other workers in between, so a tight timeout would kill it mid-workflow; billing is by duration,
 * not by the timeout.
 */
export const DEFAULT_TIMEOUT_S = 900;
/**
 * Lambda retries a failed asynchronous invocation up to twice; set explicitly because the runtime relies on it (a
 * worker that crashed mid-task is re-run and resumes from Redis) and an account default could differ.
 */
export const DEFAULT_MAX_RETRY_ATTEMPTS = 2;

/** Everything that describes the deployed workers; the same for every memory size but the size itself. */
export interface WorkerDeployment {
  readonly memorySizesMb: readonly number[];
  /** Default `octoplan-worker`; set into `OCTOPLAN_FUNCTION_PREFIX` so workers invoke each other by the same names. */
  readonly functionPrefix?: string;
  /** The execution role: assumable by lambda.amazonaws.com, with VPC access and `lambda:InvokeFunction` on the workers. */
  readonly roleArn: string;
  /** The run's Redis (ElastiCache in the workers' VPC), e.g. `redis://octoplan.abc123.0001.use1.cache.amazonaws.com:6379`. */
  readonly redisUrl: string;
  /** Subnets of the VPC that reaches Redis (private subnets; the Lambda API must be reachable from them, see README). */
  readonly subnetIds: readonly string[];
  /** Security groups of the workers; Redis must accept TCP 6379 from them. */
  readonly securityGroupIds: readonly string[];
  /** Default 900 s. */
  readonly timeoutS?: number;
  /** Default `x86_64`; the bundle is plain JavaScript, so `arm64` works as well. */
  readonly architecture?: Architecture;
  /** Lambda runtime; default `DEFAULT_LAMBDA_RUNTIME` (see `package-layout.ts` on why not nodejs20.x). */
  readonly runtime?: LambdaNodeRuntime;
  /** Async retries (Lambda's `MaximumRetryAttempts`, 0–2); default 2. */
  readonly maximumRetryAttempts?: number;
  /** How long Lambda keeps an async event it could not yet run (60–21,600 s); default: Lambda's (6 h). */
  readonly maximumEventAgeS?: number;
  /** Reserved concurrency per function; default none (the account's unreserved pool). */
  readonly reservedConcurrency?: number;
}

/** The code of a function: the zip's bytes (direct upload, up to 50 MB) or an object in S3. */
export type WorkerCode = { readonly zipFile: Uint8Array } | { readonly s3Bucket: string; readonly s3Key: string };

/**
 * Checks a deployment's fields (each error names the field) and fills in the defaults. Everything Lambda would reject
 * is rejected here, before any request is sent.
 */
export function resolveDeployment(d: WorkerDeployment): Required<Omit<WorkerDeployment, 'maximumEventAgeS' | 'reservedConcurrency'>> &
  Pick<WorkerDeployment, 'maximumEventAgeS' | 'reservedConcurrency'> {
  const fail = (field: string, message: string): never => {
    throw new ConfigError(`deployment: field '${field}' ${message}`);
  };
  if (d.memorySizesMb.length === 0) fail('memorySizesMb', 'must name at least one memory size');
  d.memorySizesMb.forEach((m, i) => checkMemoryMb(m, `deployment: field 'memorySizesMb[${i}]'`));
  const functionPrefix = d.functionPrefix ?? DEFAULT_FUNCTION_PREFIX;
  // Function names are at most 64 characters of [A-Za-z0-9-_]; the longest suffix is "-10240".
  if (!/^[A-Za-z0-9_-]{1,58}$/.test(functionPrefix)) fail('functionPrefix', `must be 1-58 letters, digits, '-' or '_', got ${JSON.stringify(functionPrefix)}`);
  if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/.test(d.roleArn)) fail('roleArn', `must be an IAM role ARN (arn:aws:iam::<account>:role/<name>), got ${JSON.stringify(d.roleArn)}`);
  if (!/^rediss?:\/\/.+/.test(d.redisUrl)) fail('redisUrl', `must be a redis:// or rediss:// URL, got ${JSON.stringify(d.redisUrl)}`);
  if (d.subnetIds.length === 0) fail('subnetIds', 'must name at least one subnet of the VPC that reaches Redis');
  d.subnetIds.forEach((s, i) => /^subnet-[0-9a-f]+$/.test(s) || fail(`subnetIds[${i}]`, `must be a subnet id (subnet-...), got ${JSON.stringify(s)}`));
  if (d.securityGroupIds.length === 0) fail('securityGroupIds', 'must name at least one security group');
  d.securityGroupIds.forEach((s, i) => /^sg-[0-9a-f]+$/.test(s) || fail(`securityGroupIds[${i}]`, `must be a security group id (sg-...), got ${JSON.stringify(s)}`));
  const timeoutS = d.timeoutS ?? DEFAULT_TIMEOUT_S;
  if (!Number.isInteger(timeoutS) || timeoutS < 1 || timeoutS > 900) fail('timeoutS', `must be an integer from 1 to 900 s, got ${timeoutS}`);
  const architecture = d.architecture ?? 'x86_64';
  if (architecture !== 'x86_64' && architecture !== 'arm64') fail('architecture', `must be x86_64 or arm64, got ${JSON.stringify(architecture)}`);
  const runtime = d.runtime ?? DEFAULT_LAMBDA_RUNTIME;
  if (!(LAMBDA_NODE_RUNTIMES as readonly string[]).includes(runtime)) fail('runtime', `must be one of ${LAMBDA_NODE_RUNTIMES.join(', ')}, got ${JSON.stringify(runtime)}`);
  const maximumRetryAttempts = d.maximumRetryAttempts ?? DEFAULT_MAX_RETRY_ATTEMPTS;
  if (!Number.isInteger(maximumRetryAttempts) || maximumRetryAttempts < 0 || maximumRetryAttempts > 2) {
    fail('maximumRetryAttempts', `must be 0, 1 or 2, got ${maximumRetryAttempts}`);
  }
  const age = d.maximumEventAgeS;
  if (age !== undefined && (!Number.isInteger(age) || age < 60 || age > 21_600)) fail('maximumEventAgeS', `must be an integer from 60 to 21600 s, got ${age}`);
  const reserved = d.reservedConcurrency;
  if (reserved !== undefined && (!Number.isInteger(reserved) || reserved < 0)) fail('reservedConcurrency', `must be an integer >= 0, got ${reserved}`);
  return {
    memorySizesMb: d.memorySizesMb,
    functionPrefix,
    roleArn: d.roleArn,
    redisUrl: d.redisUrl,
    subnetIds: d.subnetIds,
    securityGroupIds: d.securityGroupIds,
    timeoutS,
    architecture,
    runtime,
    maximumRetryAttempts,
    ...(age !== undefined ? { maximumEventAgeS: age } : {}),
    ...(reserved !== undefined ? { reservedConcurrency: reserved } : {}),
  };
}

/** The worker function serving `memoryMb`: `<prefix>-<memoryMb>`, exactly as the handler's invoker names it. */
export function workerFunctionName(d: Pick<WorkerDeployment, 'functionPrefix'>, memoryMb: number): string {
  return functionNameFor({ memoryMb, vCpus: 0 }, d.functionPrefix ?? DEFAULT_FUNCTION_PREFIX);
}

/**
 * The workers' environment. `OCTOPLAN_REDIS_URL` because the client's invocations need not name Redis;
 * `OCTOPLAN_FUNCTION_PREFIX` so a worker invokes the others under the deployed names. No `AWS_REGION`: Lambda sets
 * it and rejects it as a reserved key. No `OCTOPLAN_LAMBDA_ENDPOINT`: on AWS the SDK's own endpoint is the right one.
 */
export function workerEnvironment(d: Pick<WorkerDeployment, 'functionPrefix' | 'redisUrl'>): Record<string, string> {
  return { OCTOPLAN_REDIS_URL: d.redisUrl, OCTOPLAN_FUNCTION_PREFIX: d.functionPrefix ?? DEFAULT_FUNCTION_PREFIX };
}

/** The settings shared by `CreateFunction` and `UpdateFunctionConfiguration`. */
function configuration(d: WorkerDeployment, memoryMb: number): UpdateFunctionConfigurationCommandInput & { FunctionName: string; Role: string } {
  const r = resolveDeployment(d);
  return {
    FunctionName: workerFunctionName(d, checkMemoryMb(memoryMb, 'memoryMb')),
    Role: r.roleArn,
    Handler: LAMBDA_HANDLER,
    Runtime: r.runtime,
    MemorySize: memoryMb,
    Timeout: r.timeoutS,
    Environment: { Variables: workerEnvironment(d) },
    VpcConfig: { SubnetIds: [...r.subnetIds], SecurityGroupIds: [...r.securityGroupIds] },
    Description: `octoplan worker, ${memoryMb} MB: carries out the scheduler core's commands (runtime-lambda/worker/handler.ts)`,
  };
}

function code(c: WorkerCode): FunctionCode {
  return 'zipFile' in c ? { ZipFile: c.zipFile } : { S3Bucket: c.s3Bucket, S3Key: c.s3Key };
}

/** `CreateFunction` for the worker of `memoryMb`. */
export function createFunctionRequest(d: WorkerDeployment, memoryMb: number, workerCode: WorkerCode): CreateFunctionCommandInput {
  const r = resolveDeployment(d);
  return {
    ...configuration(d, memoryMb),
    Code: code(workerCode),
    PackageType: 'Zip',
    Architectures: [r.architecture],
    Publish: false,
  };
}

/** `UpdateFunctionCode` for an existing worker: the new bundle (architecture included: it is a code setting). */
export function updateFunctionCodeRequest(d: WorkerDeployment, memoryMb: number, workerCode: WorkerCode): UpdateFunctionCodeCommandInput {
  const r = resolveDeployment(d);
  const c = code(workerCode);
  return { FunctionName: workerFunctionName(d, memoryMb), ...c, Architectures: [r.architecture], Publish: false };
}

/** `UpdateFunctionConfiguration` for an existing worker: role, handler, memory, timeout, environment and VPC as now. */
export function updateFunctionConfigurationRequest(d: WorkerDeployment, memoryMb: number): UpdateFunctionConfigurationCommandInput {
  return { ...configuration(d, memoryMb) };
}

/** `PutFunctionEventInvokeConfig`: how Lambda retries the workers' asynchronous (`Event`) invocations. */
export function eventInvokeConfigRequest(d: WorkerDeployment, memoryMb: number): PutFunctionEventInvokeConfigCommandInput {
  const r = resolveDeployment(d);
  return {
    FunctionName: workerFunctionName(d, memoryMb),
    Qualifier: '$LATEST',
    MaximumRetryAttempts: r.maximumRetryAttempts,
    ...(r.maximumEventAgeS !== undefined ? { MaximumEventAgeInSeconds: r.maximumEventAgeS } : {}),
  };
}

/** `PutFunctionConcurrency` when the deployment reserves concurrency, else undefined. */
export function functionConcurrencyRequest(d: WorkerDeployment, memoryMb: number): PutFunctionConcurrencyCommandInput | undefined {
  const r = resolveDeployment(d);
  if (r.reservedConcurrency === undefined) return undefined;
  return { FunctionName: workerFunctionName(d, memoryMb), ReservedConcurrentExecutions: r.reservedConcurrency };
}

/**
 * The `Invoke` that starts a worker of a run: asynchronous (`Event`: Lambda queues it, answers 202 and retries a
 * failure), with the invocation JSON as the payload `handler` parses (`parseInvocation`). The same request the
 * runtime's `AwsLambdaInvoker` sends for the client's initial workers and for every worker a worker starts.
 */
export function runStartInvokeRequest(invocation: WorkerInvocation, functionPrefix = DEFAULT_FUNCTION_PREFIX): InvokeCommandInput {
  return {
    FunctionName: functionNameFor(invocation.resources, functionPrefix),
    InvocationType: 'Event',
    Payload: Buffer.from(JSON.stringify(invocation)),
  };
}

/** The IAM documents the SDK path needs an execution role with (the template creates the same role itself). */
export interface WorkerRolePolicies {
  /** Trust policy: Lambda may assume the role. */
  readonly trustPolicy: object;
  /** Inline policy: invoke the worker functions (and nothing else). */
  readonly invokePolicy: object;
  /** Managed policy for ENIs in the VPC and CloudWatch Logs. */
  readonly managedPolicyArn: string;
}

/** The role's documents, with `lambda:InvokeFunction` limited to this deployment's worker functions. */
export function workerRolePolicies(d: Pick<WorkerDeployment, 'functionPrefix' | 'memorySizesMb'>, region: string, accountId: string, partition = 'aws'): WorkerRolePolicies {
  return {
    trustPolicy: {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    },
    invokePolicy: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: 'lambda:InvokeFunction',
          Resource: d.memorySizesMb.map((m) => `arn:${partition}:lambda:${region}:${accountId}:function:${workerFunctionName(d, m)}`),
        },
      ],
    },
    managedPolicyArn: `arn:${partition}:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole`,
  };
}

/** A URL without its password, for descriptions and logs. */
export function redactedUrl(url: string): string {
  return url.replace(/^(rediss?:\/\/)([^@/]*)@/, (_, scheme: string, auth: string) => `${scheme}${auth.includes(':') ? `${auth.split(':')[0]}:***` : '***'}@`);
}
