import { ConfigError } from './errors.js';

/**
 * `JSON.parse(text)` of a file's content, a syntax error becoming a `ConfigError` that names `file`. Reading the file
 * stays with the caller (`core/` does no I/O): the plan, platform and task-override readers share this.
 */
export function parseJsonText(text: string, file: string): unknown {
  // "Unexpected end of JSON input" says nothing of an empty file, the likeliest cause (a redirect that failed).
  if (text.trim() === '') throw new ConfigError(`${file}: the file is empty; expected a JSON object`);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`${file}: invalid JSON: ${(e as Error).message}`);
  }
}

