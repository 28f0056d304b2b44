import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../core/errors.js';
import { createWorkflow } from '../../../core/workflow.js';
import { loadTaskOverrides, parseTaskOverrides } from '../../../planners/optimizations/overrides-file.js';
import { spec, withForced } from './helpers.js';

const workflow = withForced(createWorkflow('ov', [spec('a'), spec('b', ['a'])]), new Map([['b', [{ kind: 'task-dup' as const }]]]));
const dir = mkdtempSync(join(tmpdir(), 'octoplan-overrides-'));
const write = (name: string, text: string) => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};

describe('task overrides file', () => {
  it('loads a valid file into a map', () => {
    const file = write('ok.json', JSON.stringify({ a: { 'pre-load': false, 'task-dup': true }, b: { 'pre-warm': true } }));
    const loaded = loadTaskOverrides(file, workflow);
    expect(loaded.get('a')).toEqual({ 'pre-load': false, 'task-dup': true });
    expect(loaded.get('b')).toEqual({ 'pre-warm': true });
    expect(loaded.size).toBe(2);
  });

  it.each([
    ['unknown task', { zz: { 'pre-load': true } }, /bad\.json: task 'zz': no such task in workflow 'ov'/],
    ['unknown optimization', { a: { preload: true } }, /bad\.json: task 'a': unknown optimization 'preload' \(optimizations: pre-warm, pre-load, task-dup, custom:<name>\)/],
    ['non-boolean value', { a: { 'pre-load': 'yes' } }, /bad\.json: task 'a': field 'pre-load' must be true or false, got the string "yes"/],
    ['entry not an object', { a: true }, /bad\.json: task 'a': expected an object/],
    ['document not an object', [1, 2], /bad\.json: expected an object mapping task ids to overrides, got an array/],
    ['false for a forced optimization', { b: { 'task-dup': false } }, /bad\.json: task 'b': field 'task-dup' is false but the workflow forces task-dup/],
  ])('rejects %s with the file, task and field named', (_what, value, message) => {
    const file = write('bad.json', JSON.stringify(value));
    expect(() => loadTaskOverrides(file, workflow)).toThrow(message);
    expect(() => loadTaskOverrides(file, workflow)).toThrow(ConfigError);
  });

  it('rejects invalid JSON and a missing file, naming the file', () => {
    expect(() => loadTaskOverrides(write('broken.json', '{ "a": '), workflow)).toThrow(/broken\.json: invalid JSON/);
    expect(() => loadTaskOverrides(join(dir, 'missing.json'), workflow)).toThrow(/missing\.json: cannot read task overrides/);
  });

  it('parses an in-memory document with the given source name', () => {
    expect(() => parseTaskOverrides({ a: { 'task-dup': 1 } }, workflow, '<cli>')).toThrow(/<cli>: task 'a': field 'task-dup' must be true or false, got number 1/);
  });
});
