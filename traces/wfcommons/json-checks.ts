import { WfFormatError } from './wfformat-error.js';

/** Small type checks shared by the 1.5 reader and the 1.4 migration; each failure names the file and the field. */

/** Narrows to a plain object or throws a `WfFormatError` naming the field. */
export function expectObject(value: unknown, file: string, field: string, what: string): Record<string, unknown> {
  if (value === undefined) throw new WfFormatError(file, 'missing-field', field, `missing; expected ${what}`);
  if (!isObject(value)) throw new WfFormatError(file, 'wrong-type', field, `expected ${what}, got ${show(value)}`);
  return value;
}

/** Narrows to an array or throws a `WfFormatError` naming the field. */
export function expectArray(value: unknown, file: string, field: string, what: string): unknown[] {
  if (value === undefined) throw new WfFormatError(file, 'missing-field', field, `missing; expected ${what}`);
  if (!Array.isArray(value)) throw new WfFormatError(file, 'wrong-type', field, `expected ${what}, got ${show(value)}`);
  return value;
}

/** True for a plain JSON object (not an array, not null). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A short rendering of a wrong value for messages: its JSON, cut at 40 characters, or its kind. */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object' && value !== null) return 'an object';
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
