import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../core/errors.js';
import { workerTemplate, type CloudFormationTemplate } from '../../../runtime-lambda/deploy/template.js';

const TEMPLATE = workerTemplate({ memorySizesMb: [2048, 1024, 2048], code: 'worker.zip' });

function resourcesOfType(t: CloudFormationTemplate, type: string): string[] {
  return Object.entries(t.Resources)
    .filter(([, r]) => r.Type === type)
    .map(([id]) => id);
}

/** cfn-lint on PATH (pip's cfn-lint is part of this machine's image), or undefined. */
const CFN_LINT = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' }).status === 0 ? 'cfn-lint' : undefined;

describe('CloudFormation template', () => {
  it('has one function per distinct memory size, each with its async retry config, the role, the groups and Redis', () => {
    expect(Object.keys(TEMPLATE.Resources)).toEqual([
      'WorkerSecurityGroup',
      'RedisSecurityGroup',
      'RedisSubnetGroup',
      'RedisCluster',
      'WorkerRole',
      'Worker1024',
      'Worker1024InvokeConfig',
      'Worker2048',
      'Worker2048InvokeConfig',
    ]);
    expect(Object.keys(TEMPLATE.Parameters)).toEqual(['VpcId', 'SubnetIds', 'RedisNodeType']);
    expect(TEMPLATE.Resources.Worker1024).toEqual({
      Type: 'AWS::Lambda::Function',
      Properties: {
        FunctionName: 'octoplan-worker-1024',
        Description: "octoplan worker, 1024 MB: carries out the scheduler core's commands (runtime-lambda/worker/handler.ts)",
        Runtime: 'nodejs22.x',
        Handler: 'index.handler',
        Code: 'worker.zip',
        MemorySize: 1024,
        Timeout: 900,
        Architectures: ['x86_64'],
        Role: { 'Fn::GetAtt': ['WorkerRole', 'Arn'] },
        Environment: {
          Variables: {
            OCTOPLAN_REDIS_URL: { 'Fn::Sub': 'redis://${RedisCluster.RedisEndpoint.Address}:${RedisCluster.RedisEndpoint.Port}' },
            OCTOPLAN_FUNCTION_PREFIX: 'octoplan-worker',
          },
        },
        VpcConfig: { SubnetIds: { Ref: 'SubnetIds' }, SecurityGroupIds: [{ 'Fn::GetAtt': ['WorkerSecurityGroup', 'GroupId'] }] },
      },
    });
    expect(TEMPLATE.Resources.Worker2048InvokeConfig).toEqual({
      Type: 'AWS::Lambda::EventInvokeConfig',
      Properties: { FunctionName: { Ref: 'Worker2048' }, Qualifier: '$LATEST', MaximumRetryAttempts: 2 },
    });
    const role = TEMPLATE.Resources.WorkerRole!.Properties as { Policies: { PolicyDocument: { Statement: { Action: string; Resource: unknown[] }[] } }[] };
    expect(role.Policies[0]!.PolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Action: 'lambda:InvokeFunction',
        Resource: [
          { 'Fn::Sub': 'arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:octoplan-worker-1024' },
          { 'Fn::Sub': 'arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:octoplan-worker-2048' },
        ],
      },
    ]);
    // Redis accepts the workers on 6379 only.
    expect((TEMPLATE.Resources.RedisSecurityGroup!.Properties as { SecurityGroupIngress: unknown[] }).SecurityGroupIngress).toEqual([
      { IpProtocol: 'tcp', FromPort: 6379, ToPort: 6379, SourceSecurityGroupId: { 'Fn::GetAtt': ['WorkerSecurityGroup', 'GroupId'] }, Description: 'workers' },
    ]);
    expect(TEMPLATE.Resources.RedisCluster!.Properties).toMatchObject({ Engine: 'redis', NumCacheNodes: 1, CacheNodeType: { Ref: 'RedisNodeType' } });
    expect(TEMPLATE.Outputs).toHaveProperty('RedisUrl');
    expect((TEMPLATE.Outputs.WorkerFunctions as { Value: string }).Value).toBe('octoplan-worker-1024,octoplan-worker-2048');
  });

  it('with an existing Redis, a Lambda endpoint, reserved concurrency and other settings', () => {
    const t = workerTemplate({
      memorySizesMb: [512],
      code: { s3Bucket: 'artifacts', s3Key: 'octoplan/worker.zip' },
      redisUrl: 'redis://10.0.3.7:6379',
      lambdaEndpoint: true,
      reservedConcurrency: 20,
      functionPrefix: 'exp7',
      timeoutS: 300,
      architecture: 'arm64',
      maximumRetryAttempts: 1,
      maximumEventAgeS: 600,
    });
    expect(Object.keys(t.Resources)).toEqual(['WorkerSecurityGroup', 'LambdaEndpointSecurityGroup', 'LambdaEndpoint', 'WorkerRole', 'Worker512', 'Worker512InvokeConfig']);
    expect(Object.keys(t.Parameters)).toEqual(['VpcId', 'SubnetIds']);
    expect(resourcesOfType(t, 'AWS::ElastiCache::CacheCluster')).toEqual([]);
    expect(t.Resources.Worker512).toMatchObject({
      Properties: {
        FunctionName: 'exp7-512',
        Code: { S3Bucket: 'artifacts', S3Key: 'octoplan/worker.zip' },
        Timeout: 300,
        Architectures: ['arm64'],
        ReservedConcurrentExecutions: 20,
        Environment: { Variables: { OCTOPLAN_REDIS_URL: 'redis://10.0.3.7:6379', OCTOPLAN_FUNCTION_PREFIX: 'exp7' } },
      },
      DependsOn: ['LambdaEndpoint'],
    });
    expect(t.Resources.Worker512InvokeConfig!.Properties).toEqual({ FunctionName: { Ref: 'Worker512' }, Qualifier: '$LATEST', MaximumRetryAttempts: 1, MaximumEventAgeInSeconds: 600 });
    expect(t.Resources.LambdaEndpoint!.Properties).toMatchObject({ VpcEndpointType: 'Interface', ServiceName: { 'Fn::Sub': 'com.amazonaws.${AWS::Region}.lambda' }, PrivateDnsEnabled: true });
  });

  it('is valid JSON whose every reference names a parameter, a resource or a pseudo parameter', () => {
    for (const t of [TEMPLATE, workerTemplate({ memorySizesMb: [128, 10240], code: 'x.zip', redisUrl: 'redis://r:6379', lambdaEndpoint: true })]) {
      const text = JSON.stringify(t, null, 2);
      expect(JSON.parse(text)).toEqual(t);
      const known = new Set([...Object.keys(t.Parameters), ...Object.keys(t.Resources), 'AWS::Region', 'AWS::AccountId', 'AWS::Partition']);
      const refs = [...text.matchAll(/"Ref": "([^"]+)"/g)].map((m) => m[1]!);
      const getAtts = [...text.matchAll(/"Fn::GetAtt": \[\s*"([^"]+)"/g)].map((m) => m[1]!);
      const subs = [...text.matchAll(/\$\{([^}.]+)[.}]/g)].map((m) => m[1]!);
      for (const name of [...refs, ...getAtts, ...subs]) expect(known, `reference to '${name}'`).toContain(name);
    }
  });

  it.runIf(CFN_LINT)('passes cfn-lint', () => {
    const dir = mkdtempSync(join(tmpdir(), 'octoplan-template-'));
    const files = [
      ['created-redis.json', TEMPLATE],
      ['existing-redis.json', workerTemplate({ memorySizesMb: [1024], code: 'worker.zip', redisUrl: 'redis://r:6379', lambdaEndpoint: true, reservedConcurrency: 5 })],
    ] as const;
    for (const [name, t] of files) writeFileSync(join(dir, name), JSON.stringify(t));
    // W3002: a local Code path "only works with the package command", which is how it is meant to be deployed.
    // E2531/E2533/W2531: runtime deprecation dates, which depend on today's date rather than on the template.
    const result = spawnSync(CFN_LINT!, ['--ignore-checks', 'W3002', 'E2531', 'E2533', 'W2531', '--', ...files.map(([n]) => join(dir, n))], { encoding: 'utf8' });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('refuses settings Lambda would refuse', () => {
    expect(() => workerTemplate({ memorySizesMb: [], code: 'x' })).toThrow(ConfigError);
    expect(() => workerTemplate({ memorySizesMb: [20000], code: 'x' })).toThrow(/memory must be an integer number of MB from 128 to 10240, got 20000/);
    expect(() => workerTemplate({ memorySizesMb: [1024], code: 'x', maximumRetryAttempts: 5 })).toThrow(/maximumRetryAttempts/);
  });

  it('the template script writes the template of a plan file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'octoplan-template-cli-'));
    const plan = join(dir, 'plan.json');
    writeFileSync(
      plan,
      JSON.stringify({
        workflow: 'gemm',
        planner: 'non-uniform',
        sla: 'median',
        tasks: {
          a: { workerId: 'w0', memoryMb: 4096, optimizations: [{ kind: 'pre-warm', targetResources: { memoryMb: 8192 } }] },
          b: { workerId: 'w1', memoryMb: 2048 },
          c: { workerId: 'w0', memoryMb: 4096 },
        },
      }),
    );
    const out = join(dir, 'template.json');
    execFileSync('npx', ['tsx', 'runtime-lambda/deploy/template.ts', '--plan', plan, '--code', join(dir, 'build', 'worker.zip'), '--out', out], {
      cwd: join(import.meta.dirname, '..', '..', '..'),
      stdio: 'pipe',
    });
    const t = JSON.parse(readFileSync(out, 'utf8')) as CloudFormationTemplate;
    expect(resourcesOfType(t, 'AWS::Lambda::Function')).toEqual(['Worker2048', 'Worker4096', 'Worker8192']);
    // The code path is relative to the template, as CloudFormation packaging resolves it.
    expect((t.Resources.Worker2048!.Properties as { Code: string }).Code).toBe(join('build', 'worker.zip'));
  }, 60_000);
});
