import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');
const makeClient = "const { LambdaClient } = await import('@aws-sdk/client-lambda'); new LambdaClient({ region: 'us-east-1' });";

describe("the AWS SDK's Node-version notice", () => {
  it('is silenced by the preload bench and bench:perf use, and inherited by child processes', async () => {
    const env = { ...process.env };
    delete env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
    const child = `import { execFileSync } from 'node:child_process'; execFileSync(process.execPath, ['--input-type=module', '-e', ${JSON.stringify(makeClient)}], { stdio: 'inherit' });`;
    const quiet = await run(process.execPath, ['--import', './bin/quiet-aws-sdk.js', '--input-type=module', '-e', child], { cwd: root, env });
    expect(quiet.stderr).not.toContain('NodeVersionSupportWarning');
    const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts['bench:perf']).toContain('--import ./bin/quiet-aws-sdk.js');
    expect(await readFile(join(root, 'bin', 'bench.js'), 'utf8')).toContain("import './quiet-aws-sdk.js';");
  });
});
