/**
 * The direct SDK deployment path: bundles the worker and creates or updates one Lambda function per memory size with
 * the requests of `requests.ts`, waiting for each to be ready, then sets its async retries (and reserved
 * concurrency). Needs AWS credentials in the environment (the SDK's usual chain) and an execution role and a Redis
 * that exist already: `--print-iam` prints the role's documents; the CloudFormation template (`template.ts`) is the
 * path that creates them too. Never run in this project's tests, which have no network to AWS: `deployWorkers` is
 * tested against a recording client, and `--dry-run` prints the requests without sending them.
 *
 * Usage:
 *   npx tsx runtime-lambda/deploy/deploy.ts --region eu-west-1 --role-arn arn:aws:iam::123456789012:role/octoplan-worker \
 *     --redis-url redis://octoplan.abc123.0001.euw1.cache.amazonaws.com:6379 --subnets subnet-0a,subnet-0b \
 *     --security-groups sg-0c (--memory 1024,2048 | --plan plan.json) [--prefix octoplan-worker] [--timeout 900]
 *     [--reserved-concurrency N] [--max-event-age S] [--arm64] [--runtime nodejs22.x]
 *     [--zip FILE | --s3-bucket B --s3-key K] [--dry-run]
 *   npx tsx runtime-lambda/deploy/deploy.ts --print-iam --region eu-west-1 --account-id 123456789012 --memory 1024,2048
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import {
  CreateFunctionCommand,
  DeleteFunctionConcurrencyCommand,
  GetFunctionCommand,
  LambdaClient,
  PutFunctionConcurrencyCommand,
  PutFunctionEventInvokeConfigCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionActiveV2,
  waitUntilFunctionUpdatedV2,
  type GetFunctionCommandOutput,
} from '@aws-sdk/client-lambda';
import { ConfigError } from '../../core/errors.js';
import { bundleWorker, codeSha256, DEFAULT_BUILD_DIR } from './bundle.js';
import { memorySizesOfPlanFile, parseMemoryList } from './memory-sizes.js';
import type { LambdaNodeRuntime } from './package-layout.js';
import {
  createFunctionRequest,
  eventInvokeConfigRequest,
  functionConcurrencyRequest,
  redactedUrl,
  resolveDeployment,
  updateFunctionCodeRequest,
  updateFunctionConfigurationRequest,
  workerFunctionName,
  workerRolePolicies,
  type WorkerCode,
  type WorkerDeployment,
} from './requests.js';

/** What `deployWorkers` needs of a client: `LambdaClient` itself, or a recording stand-in in tests. */
export type LambdaSender = Pick<LambdaClient, 'send'>;

/** Options of `deployWorkers`. */
export interface DeployOptions {
  /** Base64 SHA-256 of the zip (`codeSha256`): an existing function with this code keeps it (no upload). */
  readonly codeSha256?: string;
  /** Progress lines; default none. */
  readonly log?: (line: string) => void;
  /** How long to wait for a function to become ready, s; default 600 (a first VPC function creates its ENIs). */
  readonly maxWaitS?: number;
}

/** What was done to one worker function. */
export interface DeployedWorker {
  readonly functionName: string;
  readonly memoryMb: number;
  readonly action: 'created' | 'updated' | 'configuration-updated';
}

/**
 * Creates or updates every worker function of `deployment`, one memory size at a time: `GetFunction`; if missing,
 * `CreateFunction` and wait until Active; else `UpdateFunctionCode` (unless its CodeSha256 is already this code) and
 * `UpdateFunctionConfiguration`, each followed by a wait until the update is done (Lambda refuses a second update
 * while one is in progress). Then `PutFunctionEventInvokeConfig`, and `PutFunctionConcurrency` when concurrency is
 * reserved (`DeleteFunctionConcurrency` when it no longer is). Errors name the function at fault.
 */
export async function deployWorkers(
  client: LambdaSender,
  deployment: WorkerDeployment,
  code: WorkerCode,
  options: DeployOptions = {},
): Promise<DeployedWorker[]> {
  const d = resolveDeployment(deployment);
  const log = options.log ?? (() => {});
  const waiter = { client: client as LambdaClient, maxWaitTime: options.maxWaitS ?? 600, minDelay: 2, maxDelay: 10 };
  const done: DeployedWorker[] = [];
  for (const memoryMb of [...new Set(d.memorySizesMb)].sort((a, b) => a - b)) {
    const functionName = workerFunctionName(d, memoryMb);
    const step = async <T>(what: string, run: () => Promise<T>): Promise<T> => {
      try {
        return await run();
      } catch (e) {
        throw new Error(`${functionName}: ${what} failed: ${(e as Error).name}: ${(e as Error).message}`);
      }
    };
    const existing = await step('GetFunction', () => getFunction(client, functionName));
    let action: DeployedWorker['action'];
    if (!existing) {
      log(`${functionName}: creating (${memoryMb} MB, ${d.runtime}, ${d.architecture})`);
      await step('CreateFunction', () => client.send(new CreateFunctionCommand(createFunctionRequest(d, memoryMb, code))));
      await step('waiting until Active', () => checked(waitUntilFunctionActiveV2(waiter, { FunctionName: functionName })));
      action = 'created';
    } else {
      const sameCode = options.codeSha256 !== undefined && existing.Configuration?.CodeSha256 === options.codeSha256;
      if (sameCode) log(`${functionName}: code unchanged (CodeSha256 ${options.codeSha256})`);
      else {
        log(`${functionName}: updating code`);
        await step('UpdateFunctionCode', () => client.send(new UpdateFunctionCodeCommand(updateFunctionCodeRequest(d, memoryMb, code))));
        await step('waiting for the code update', () => checked(waitUntilFunctionUpdatedV2(waiter, { FunctionName: functionName })));
      }
      log(`${functionName}: updating configuration`);
      await step('UpdateFunctionConfiguration', () => client.send(new UpdateFunctionConfigurationCommand(updateFunctionConfigurationRequest(d, memoryMb))));
      await step('waiting for the configuration update', () => checked(waitUntilFunctionUpdatedV2(waiter, { FunctionName: functionName })));
      action = sameCode ? 'configuration-updated' : 'updated';
    }
    await step('PutFunctionEventInvokeConfig', () => client.send(new PutFunctionEventInvokeConfigCommand(eventInvokeConfigRequest(d, memoryMb))));
    const concurrency = functionConcurrencyRequest(d, memoryMb);
    if (concurrency) {
      await step('PutFunctionConcurrency', () => client.send(new PutFunctionConcurrencyCommand(concurrency)));
    } else if (existing?.Concurrency?.ReservedConcurrentExecutions !== undefined) {
      // Reserved by an earlier deployment and not asked for now: give the function back to the unreserved pool.
      await step('DeleteFunctionConcurrency', () => client.send(new DeleteFunctionConcurrencyCommand({ FunctionName: functionName })));
    }
    log(`${functionName}: ${action}`);
    done.push({ functionName, memoryMb, action });
  }
  return done;
}

/** `GetFunction`, or undefined when the function does not exist. */
async function getFunction(client: LambdaSender, functionName: string): Promise<GetFunctionCommandOutput | undefined> {
  try {
    return await client.send(new GetFunctionCommand({ FunctionName: functionName }));
  } catch (e) {
    if ((e as Error).name === 'ResourceNotFoundException') return undefined;
    throw e;
  }
}

/** A waiter's result as an error when it did not succeed (timeout, failure state), with Lambda's reason. */
async function checked(result: Promise<{ state: string; reason?: unknown }>): Promise<void> {
  const { state, reason } = await result;
  if (state !== 'SUCCESS') {
    const configuration = (reason as GetFunctionCommandOutput | undefined)?.Configuration;
    const why = configuration?.StateReason ?? configuration?.LastUpdateStatusReason ?? '';
    throw new Error(`the function did not become ready (${state})${why ? `: ${why}` : ''}`);
  }
}

/** The requests a first deployment sends, as printable JSON (the zip shown by size and hash, not its bytes). */
export function dryRunRequests(deployment: WorkerDeployment, code: WorkerCode, zipSha256?: string): { command: string; input: object }[] {
  const d = resolveDeployment(deployment);
  const requests: { command: string; input: object }[] = [];
  for (const memoryMb of [...new Set(d.memorySizesMb)].sort((a, b) => a - b)) {
    const create = createFunctionRequest(d, memoryMb, code);
    const zip = create.Code?.ZipFile;
    const shownZip = zip ? `<zip, ${zip.length} bytes${zipSha256 ? `, CodeSha256 ${zipSha256}` : ''}>` : undefined;
    requests.push({ command: 'CreateFunction', input: shownZip ? { ...create, Code: { ...create.Code, ZipFile: shownZip } } : create });
    requests.push({ command: 'PutFunctionEventInvokeConfig', input: eventInvokeConfigRequest(d, memoryMb) });
    const concurrency = functionConcurrencyRequest(d, memoryMb);
    if (concurrency) requests.push({ command: 'PutFunctionConcurrency', input: concurrency });
  }
  return requests;
}

function list(text: string | undefined, flag: string): string[] {
  const items = (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (items.length === 0) throw new ConfigError(`${flag} is required (a comma list)`);
  return items;
}

function integer(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) throw new ConfigError(`${flag} must be a whole number, got '${text}'`);
  return Number(text);
}

async function main(argv: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      region: { type: 'string' },
      'role-arn': { type: 'string' },
      'redis-url': { type: 'string' },
      subnets: { type: 'string' },
      'security-groups': { type: 'string' },
      memory: { type: 'string' },
      plan: { type: 'string' },
      prefix: { type: 'string' },
      timeout: { type: 'string' },
      'reserved-concurrency': { type: 'string' },
      'max-event-age': { type: 'string' },
      arm64: { type: 'boolean', default: false },
      runtime: { type: 'string' },
      zip: { type: 'string' },
      's3-bucket': { type: 'string' },
      's3-key': { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      'print-iam': { type: 'boolean', default: false },
      'account-id': { type: 'string' },
    },
  });
  if ((values.memory === undefined) === (values.plan === undefined)) throw new ConfigError('give the memory sizes with either --memory 1024,2048 or --plan plan.json');
  const memorySizesMb = values.memory !== undefined ? parseMemoryList(values.memory) : await memorySizesOfPlanFile(values.plan!);
  const region = values.region ?? process.env.AWS_REGION;
  if (!region) throw new ConfigError('--region is required (or set AWS_REGION)');

  if (values['print-iam']) {
    if (!values['account-id'] || !/^\d{12}$/.test(values['account-id'])) throw new ConfigError('--print-iam needs --account-id (12 digits)');
    const policies = workerRolePolicies({ memorySizesMb, ...(values.prefix ? { functionPrefix: values.prefix } : {}) }, region, values['account-id']);
    console.log(JSON.stringify(policies, null, 2));
    return;
  }

  const deployment: WorkerDeployment = {
    memorySizesMb,
    roleArn: values['role-arn'] ?? '',
    redisUrl: values['redis-url'] ?? '',
    subnetIds: list(values.subnets, '--subnets'),
    securityGroupIds: list(values['security-groups'], '--security-groups'),
    ...(values.prefix !== undefined ? { functionPrefix: values.prefix } : {}),
    ...(values.timeout !== undefined ? { timeoutS: integer(values.timeout, '--timeout')! } : {}),
    ...(values['reserved-concurrency'] !== undefined ? { reservedConcurrency: integer(values['reserved-concurrency'], '--reserved-concurrency')! } : {}),
    ...(values['max-event-age'] !== undefined ? { maximumEventAgeS: integer(values['max-event-age'], '--max-event-age')! } : {}),
    ...(values.arm64 ? { architecture: 'arm64' as const } : {}),
    ...(values.runtime !== undefined ? { runtime: values.runtime as LambdaNodeRuntime } : {}),
  };
  resolveDeployment(deployment);

  let code: WorkerCode;
  let sha: string | undefined;
  if (values['s3-bucket'] !== undefined || values['s3-key'] !== undefined) {
    if (!values['s3-bucket'] || !values['s3-key']) throw new ConfigError('--s3-bucket and --s3-key go together');
    code = { s3Bucket: values['s3-bucket'], s3Key: values['s3-key'] };
  } else {
    let zip: Buffer;
    if (values.zip) zip = await readFile(values.zip);
    else {
      const bundle = await bundleWorker({ outDir: DEFAULT_BUILD_DIR });
      console.error(`bundled ${bundle.zipFile} (${(bundle.zipBytes / 1e6).toFixed(2)} MB)`);
      zip = await readFile(bundle.zipFile);
    }
    // Lambda takes at most 50 MB zipped in the request itself; larger packages go through S3.
    if (zip.length > 50 * 1024 * 1024) throw new ConfigError(`the zip is ${(zip.length / 1e6).toFixed(1)} MB; over 50 MB, upload it to S3 and pass --s3-bucket/--s3-key`);
    code = { zipFile: zip };
    sha = codeSha256(zip);
  }

  if (values['dry-run']) {
    console.log(JSON.stringify(dryRunRequests(deployment, code, sha), null, 2));
    return;
  }
  console.error(`deploying ${memorySizesMb.length} worker function(s) to ${region}; Redis ${redactedUrl(deployment.redisUrl)}`);
  const client = new LambdaClient({ region });
  try {
    const done = await deployWorkers(client, deployment, code, { ...(sha ? { codeSha256: sha } : {}), log: (line) => console.error(line) });
    for (const w of done) console.log(`${w.functionName}\t${w.memoryMb} MB\t${w.action}`);
  } finally {
    client.destroy();
  }
}

if (import.meta.url === pathToFileURL(resolve(process.argv[1] ?? '')).href) {
  try {
    await main(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof ConfigError) && (e as Error).name !== 'TypeError') throw e;
    // parseArgs reports unknown flags as a TypeError with a readable message: one line, no stack.
    console.error(`deploy: ${(e as Error).message}`);
    process.exitCode = 1;
  }
}
