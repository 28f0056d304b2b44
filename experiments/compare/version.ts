import { readFileSync } from 'node:fs';

/** The toolkit's name and version from its package.json, recorded in every result so numbers can be traced to code. */
export function toolkitVersion(): { name: string; version: string } {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { name?: string; version?: string };
  return { name: pkg.name ?? 'octoplan', version: pkg.version ?? '0.0.0' };
}
