import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parseResources, type ResourceConfig } from '../../core/resources.js';
import { parseSla, type Sla } from '../../core/sla.js';
import { UsageError } from './errors.js';

/** Splits a comma-separated option (also accepting repeated flags) into trimmed, non-empty items. */
export function listOption(value: unknown): string[] {
  const items = (Array.isArray(value) ? value : [value]).flatMap((v) => String(v ?? '').split(','));
  return items.map((s) => s.trim()).filter((s) => s !== '');
}

/** `--resources 1024,2048:2` → resource configs (memory MB, optional `:vCPUs`). */
export function resourcesOption(value: unknown, flag = '--resources'): ResourceConfig[] {
  return listOption(value).map((text) => {
    try {
      return parseResources(text);
    } catch (e) {
      throw new UsageError(`${flag}: ${(e as Error).message}`);
    }
  });
}

/** `--sla median,p90` → SLAs. */
export function slaOption(value: unknown, flag = '--sla'): Sla[] {
  return listOption(value).map((text) => {
    try {
      return parseSla(text);
    } catch (e) {
      throw new UsageError(`${flag}: ${(e as Error).message}`);
    }
  });
}

/** `--sla p90` → one SLA, for commands whose run has one plan; a list is an error naming the flag. */
export function oneSlaOption(value: unknown, flag = '--sla'): Sla {
  const slas = slaOption(value, flag);
  if (slas.length !== 1) throw new UsageError(`${flag}: one run is planned for one SLA, got ${slas.length} (${listOption(value).join(', ')})`);
  return slas[0]!;
}

/** `--param leaves=64 --param blocks=2` → `{ leaves: 64, blocks: 2 }`. */
export function paramsOption(value: unknown): Record<string, number> {
  const params: Record<string, number> = {};
  for (const item of listOption(value)) {
    const match = /^([A-Za-z][A-Za-z0-9_]*)=(-?\d+(?:\.\d+)?)$/.exec(item);
    if (!match) throw new UsageError(`--param: expected name=number, got '${item}'`);
    params[match[1]!] = Number(match[2]);
  }
  return params;
}

/** A seed as given: an integer stays a number (so it prints as one in trace headers), anything else is a string. */
export function seedOption(value: unknown): number | string {
  const text = String(value);
  return /^-?\d+$/.test(text) && Number.isSafeInteger(Number(text)) ? Number(text) : text;
}

/** `--prediction-error 0,0.1,0.25` → numbers; anything not a number is an error naming the flag and the item. */
export function numberListOption(value: unknown, flag: string): number[] {
  return listOption(value).map((text) => {
    const n = Number(text);
    if (!Number.isFinite(n)) throw new UsageError(`${flag}: '${text}' is not a number`);
    return n;
  });
}

/** The range of a `--belief-scale` factor: a belief at most a thousand times off either way. */
const MIN_FACTOR = 0.001;
const MAX_FACTOR = 1000;

/** `--belief-scale work=0.5,reduce=2` → factor per function name. */
export function factorsOption(value: unknown, flag: string): Record<string, number> {
  const factors: Record<string, number> = {};
  for (const item of listOption(value)) {
    const match = /^([^=]+)=(.+)$/.exec(item);
    const factor = match ? Number(match[2]) : Number.NaN;
    if (!match || !(Number.isFinite(factor) && factor > 0)) throw new UsageError(`${flag}: expected function=factor with a factor > 0, got '${item}'`);
    // Sizes, not only signs: a belief a thousand times off either way is already no belief a study would make, and
    // 1e308 overflowed the planner's estimate while the command printed a table as if nothing happened.
    if (factor < MIN_FACTOR || factor > MAX_FACTOR) throw new UsageError(`${flag}: factor ${factor} of '${match[1]!.trim()}' is outside [${MIN_FACTOR}, ${MAX_FACTOR}]`);
    factors[match[1]!.trim()] = factor;
  }
  return factors;
}

/** Writes `value` as JSON (2-space indented, final newline) for `--json-out`, creating the folder. */
export async function writeJsonOut(file: string, value: unknown): Promise<void> {
  await writeTextOut(file, JSON.stringify(value, null, 2) + '\n');
}

/** Writes text for an `--…-out FILE` option, creating the folder. */
export async function writeTextOut(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, text, 'utf8');
}
