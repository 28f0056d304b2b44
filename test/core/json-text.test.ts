import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/errors.js';
import { parseJsonText } from '../../core/json-text.js';

describe('parseJsonText', () => {
  it('parses JSON and turns a syntax error into a ConfigError naming the file', () => {
    expect(parseJsonText('{"a": [1, 2]}', 'x.json')).toEqual({ a: [1, 2] });
    expect(() => parseJsonText('{"a": ', 'plans/p.json')).toThrow(ConfigError);
    expect(() => parseJsonText('{"a": ', 'plans/p.json')).toThrow(/^plans\/p\.json: invalid JSON: /);
  });
});
