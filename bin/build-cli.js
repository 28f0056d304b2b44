#!/usr/bin/env node
// Compiles the `bench` CLI once (npm's `prepare` step: `npm ci` and `npm install` run it; `npm run build` by hand) so
// that a command starts without compiling TypeScript on the fly: esbuild bundles experiments/cli/main.ts into
// dist/cli/ (packages stay external), one chunk per lazily loaded command. bin/bench.js runs the bundle only while it
// is fresh, that is no source it was built from changed since (dist/cli/inputs.json lists them); otherwise, or with
// OCTOPLAN_FROM_SOURCE=1, it runs the sources through tsx as before. Without esbuild (an install without dev
// dependencies) this does nothing and `bench` runs from source.
import { mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT_DIR = join(root, 'dist', 'cli');


/**
 * `import.meta.url` and `import.meta.dirname` keep meaning the source file and its folder inside the bundle (the
 * runtime finds its worker handler, the gateway its sources, the version its package.json by them), rewritten
 * relative to the bundle's folder so the checkout can still be moved.
 */
function keepImportMeta(outdir) {
  return {
  name: 'keep-import-meta',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, (args) => {
      if (args.path.includes(`${sep}node_modules${sep}`)) return undefined;
      let text = readFileSync(args.path, 'utf8');
      if (!text.includes('import.meta.')) return { contents: text, loader: 'ts' };
      const file = relative(outdir, args.path).split(sep).join('/');
      const folder = relative(outdir, dirname(args.path)).split(sep).join('/');
      text = replaceInCode(text, {
        'import.meta.url': `new URL(${JSON.stringify(file)}, import.meta.url).href`,
        'import.meta.dirname': `__octoplanJoin(import.meta.dirname, ${JSON.stringify(folder)})`,
      });
      return { contents: `import { join as __octoplanJoin } from 'node:path';\n${text}`, loader: 'ts' };
    });
  },
  };
}

/**
 * Replaces each key by its value where it is code, not inside a string or a comment on its line (a bundler banner
 * such as `"… createRequire(import.meta.url);"` stays as written). Multi-line template literals are not tracked.
 */
function replaceInCode(text, replacements) {
  return text
    .split('\n')
    .map((line) => {
      let out = '';
      let quote = '';
      for (let i = 0; i < line.length; i++) {
        const ch = line[i];
        if (quote) {
          out += ch;
          if (ch === '\\') out += line[++i] ?? '';
          else if (ch === quote) quote = '';
          continue;
        }
        if (ch === '/' && line[i + 1] === '/') return out + line.slice(i);
        if (ch === "'" || ch === '"' || ch === '`') quote = ch;
        const key = Object.keys(replacements).find((k) => line.startsWith(k, i) && !/[\w$]/.test(line[i + k.length] ?? ''));
        if (!quote && key) {
          out += replacements[key];
          i += key.length - 1;
          continue;
        }
        out += ch;
      }
      return out;
    })
    .join('\n');
}

/**
 * The esbuild options of the CLI bundle into `outdir` (exported for the test that checks what `bench --help` loads).
 * @param {string} outdir
 */
export function cliBuildOptions(outdir) {
  return {
    absWorkingDir: root,
    // cell-worker: what the worker threads of `--jobs N` load (bin/cell-worker.js), sharing chunks with the CLI.
    entryPoints: { main: join(root, 'experiments', 'cli', 'main.ts'), 'cell-worker': join(root, 'experiments', 'cells', 'worker-entry.ts') },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    outdir,
    chunkNames: 'chunk-[hash]',
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'error',
    plugins: [keepImportMeta(outdir)],
  };
}

/** Builds dist/cli and its inputs.json; without esbuild, says so and leaves bench to run from source. */
async function buildCli() {
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch {
    console.error('build-cli: esbuild is not installed (dev dependencies omitted); bench will run from source through tsx');
    return;
  }
  const inputsFile = join(OUT_DIR, 'inputs.json');
  const startedMs = Date.now();
  // inputs.json goes first and comes back last: while it is missing, bench runs from source.
  rmSync(inputsFile, { force: true });
  mkdirSync(OUT_DIR, { recursive: true });
  const result = await esbuild.build(cliBuildOptions(OUT_DIR));
  const outputs = new Set(Object.keys(result.metafile.outputs).map((f) => join(root, f)));
  for (const name of readdirSync(OUT_DIR)) {
    const file = join(OUT_DIR, name);
    if (name !== 'inputs.json' && !outputs.has(file)) rmSync(file, { force: true });
  }
  const inputs = Object.keys(result.metafile.inputs).filter((f) => !f.startsWith('node_modules/')).sort();
  const temporary = `${inputsFile}.${process.pid}`;
  writeFileSync(temporary, JSON.stringify({ builtAtMs: startedMs, inputs }, null, 1) + '\n');
  renameSync(temporary, inputsFile);
  console.error(`build-cli: bench compiled to ${relative(root, OUT_DIR)} (${inputs.length} sources, ${outputs.size} files) in ${Date.now() - startedMs} ms`);
}

// Run as a script (npm's prepare, `npm run build`), not when a test imports `cliBuildOptions`.
if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) await buildCli();
