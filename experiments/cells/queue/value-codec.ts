/**
 * JSON that gives back exactly the numbers it was given: NaN, ±Infinity and -0 (which plain JSON turns into null and
 * 0) travel as `{"$number":"NaN"}`. A cell's result crosses the queue as text, and an aggregate computed from a
 * changed number would no longer match the local run byte for byte.
 */
const TAG = '$number';

/** Encodes a plain-data value as JSON text, keeping non-finite numbers and -0. */
export function encodeValue(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0)) ? { [TAG]: Object.is(v, -0) ? '-0' : String(v) } : v));
}

/** Decodes what `encodeValue` wrote. */
export function decodeValue<T>(text: string): T {
  return JSON.parse(text, (_key, v: unknown) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const keys = Object.keys(v);
      if (keys.length === 1 && keys[0] === TAG) return Number((v as Record<string, string>)[TAG]);
    }
    return v;
  }) as T;
}
