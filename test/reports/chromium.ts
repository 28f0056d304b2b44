import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Where Debian's `chromium` package puts its browser. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Launch flags that work in this project's containers (no sandbox, no GPU, no background traffic). */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The command CI and this helper run to install the browser (root, Debian/Ubuntu). */
export const CHROMIUM_INSTALL_COMMAND =
  'DEBIAN_FRONTEND=noninteractive apt-get install -y -o DPkg::Lock::Timeout=600 chromium || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y -o DPkg::Lock::Timeout=600 chromium)';

/** The outcome of `ensureChromium`: the browser's path, or why it could not be had. */
export type ChromiumAvailability = { readonly ok: true; readonly path: string; readonly installed: boolean } | { readonly ok: false; readonly reason: string };

/**
 * Makes sure headless Chromium is present, installing Debian's `chromium` (about 480 MB) with apt when it is missing.
 * The install runs at most once per machine: later calls find the binary. Waits for the dpkg lock rather than
 * failing, because other jobs on the machine may be installing packages at the same time; retries after
 * `apt-get update` because a stale package index is the usual cause of a failed install in a fresh container.
 */
export function ensureChromium(log: (line: string) => void = (line) => console.error(line)): ChromiumAvailability {
  if (existsSync(CHROMIUM_PATH)) return { ok: true, path: CHROMIUM_PATH, installed: false };
  if (process.platform !== 'linux') return { ok: false, reason: `Chromium is missing at ${CHROMIUM_PATH} and automatic install is only done on Debian Linux` };
  if (process.getuid?.() !== 0) return { ok: false, reason: `Chromium is missing at ${CHROMIUM_PATH}; install it as root with: ${CHROMIUM_INSTALL_COMMAND}` };
  if (spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status !== 0) {
    return { ok: false, reason: `Chromium is missing at ${CHROMIUM_PATH} and apt-get is not available to install it` };
  }
  log(`Chromium missing: installing Debian's chromium package with apt-get (about 480 MB, once per machine)...`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () => spawnSync('apt-get', ['install', '-y', '-o', 'DPkg::Lock::Timeout=600', 'chromium'], { env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  let result = install();
  if (result.status !== 0) {
    log(`apt-get install chromium failed (exit ${result.status}); running apt-get update and retrying`);
    execFileSync('apt-get', ['update'], { env, stdio: 'ignore' });
    result = install();
  }
  if (result.status !== 0 || !existsSync(CHROMIUM_PATH)) {
    const tail = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-5).join('\n');
    return { ok: false, reason: `could not install Chromium with apt-get (exit ${result.status}):\n${tail}` };
  }
  return { ok: true, path: CHROMIUM_PATH, installed: true };
}
