import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import {
  actionInputs,
  allOf,
  envInputSource,
  formatDurationInput,
  InputError,
  lengthBetween,
  parseDuration,
  pattern,
  recordInputSource,
  SourceError,
} from '../src/index.js';

const read = (inputs: Record<string, string>, workspace?: string) =>
  actionInputs(recordInputSource(inputs), workspace === undefined ? {} : { workspace });

/** Runs `fn` and returns the InputError it throws. */
function inputError(fn: () => unknown): InputError {
  try {
    fn();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}

describe('InputError', () => {
  it('names the input, carries a hint and is an Error', () => {
    const error = new InputError('enable-training', '"ture" is not a boolean; use true or false', { hint: 'h' });
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toBe('input "enable-training": "ture" is not a boolean; use true or false');
    expect(error.input).toBe('enable-training');
    expect(error.hint).toBe('h');
  });
});

describe('envInputSource', () => {
  it.each([
    ['compute-name', { 'INPUT_COMPUTE-NAME': 'k8s' }, 'k8s'],
    ['Compute Name', { INPUT_COMPUTE_NAME: 'k8s' }, 'k8s'],
    ['timeout', { INPUT_TIMEOUT: '  15m \n' }, '15m'],
    ['timeout', { INPUT_TIMEOUT: '' }, ''],
    ['timeout', {}, undefined],
    ['timeout', { INPUT_timeout: 'lowercase is not read' }, undefined],
  ])('reads %s like @actions/core', (name, env, expected) => {
    expect(envInputSource(env).get(name)).toBe(expected);
  });

  it('reads process.env by default', () => {
    process.env['INPUT_KIT-TEST-PROBE'] = ' yes ';
    try {
      expect(envInputSource().get('kit-test-probe')).toBe('yes');
    } finally {
      delete process.env['INPUT_KIT-TEST-PROBE'];
    }
  });
});

describe('required and optional', () => {
  it('returns given values', () => {
    const inputs = read({ name: 'k8s', other: ' padded ' });
    expect(inputs.required('name')).toBe('k8s');
    expect(inputs.optional('other')).toBe('padded');
  });

  it.each([[''], ['   ']])('treats %j as absent', (value) => {
    expect(read({ name: value }).optional('name')).toBeUndefined();
    const error = inputError(() => read({ name: value }).required('name'));
    expect(error.message).toBe('input "name": a value is required');
    expect(error.hint).toBe('set "name" under "with:" in the step');
  });

  const computeName = allOf(lengthBetween(2, 16), pattern(/^[a-z0-9-]+$/, 'letters, digits and hyphens'));
  it.each([
    ['k8s', undefined],
    ['a', 'input "name": "a" is 1 character long; use 2 to 16'],
    ['a-very-long-compute-name', 'input "name": "a-very-long-compute-name" is 24 characters long; use 2 to 16'],
    ['k8s_cluster', 'input "name": "k8s_cluster" must be letters, digits and hyphens'],
  ])('checks %j against rules', (value, message) => {
    if (message === undefined) {
      expect(read({ name: value }).required('name', computeName)).toBe(value);
      expect(read({ name: value }).optional('name', computeName)).toBe(value);
    } else {
      expect(() => read({ name: value }).required('name', computeName)).toThrow(message);
      expect(() => read({ name: value }).optional('name', computeName)).toThrow(message);
    }
  });

  it('does not apply rules to an absent optional value', () => {
    expect(read({}).optional('name', lengthBetween(2, 3))).toBeUndefined();
  });

  it('fails a value its rule refuses with the hint given', () => {
    const hint = { hint: 'Use a name like azureml (the default) or azureml-ext.' };
    const optional = inputError(() => read({ name: 'AzureML' }).optional('name', computeName, hint));
    expect(optional.message).toBe('input "name": "AzureML" must be letters, digits and hyphens');
    expect(optional.hint).toBe('Use a name like azureml (the default) or azureml-ext.');

    const required = inputError(() => read({ name: 'a' }).required('name', computeName, hint));
    expect([required.message, required.hint]).toEqual([
      'input "name": "a" is 1 character long; use 2 to 16',
      'Use a name like azureml (the default) or azureml-ext.',
    ]);
    // A missing required value keeps its own hint.
    expect(inputError(() => read({}).required('name', computeName, hint)).hint).toBe(
      'set "name" under "with:" in the step',
    );
    expect(read({ name: 'azureml' }).optional('name', computeName, hint)).toBe('azureml');
  });

  it('uses a pattern rule the same way every time even with a global regex', () => {
    const rule = pattern(/^a+$/g, 'only a');
    expect([rule('aa'), rule('aa'), rule('aa')]).toEqual([undefined, undefined, undefined]);
  });

  it('describes long and multi-line values instead of echoing them', () => {
    const secretish = 'x'.repeat(100);
    expect(inputError(() => read({ key: secretish }).required('key', pattern(/^y$/, 'y'))).message).toBe(
      'input "key": the value (100 characters) must be y',
    );
    expect(inputError(() => read({ key: 'a\nb' }).boolean('key', false)).message).toBe(
      'input "key": the multi-line value (3 characters) is not a boolean; use true or false',
    );
  });
});

describe('boolean', () => {
  it.each([
    ['true', true],
    ['True', true],
    ['TRUE', true],
    ['false', false],
    ['False', false],
    ['FALSE', false],
  ])('reads %j as %s', (value, expected) => {
    expect(read({ flag: value }).boolean('flag', !expected)).toBe(expected);
  });

  it.each([[true], [false]])('uses the default %s when absent', (fallback) => {
    expect(read({}).boolean('flag', fallback)).toBe(fallback);
    expect(read({ flag: '' }).boolean('flag', fallback)).toBe(fallback);
  });

  it.each([['ture'], ['yes'], ['no'], ['1'], ['0'], ['on'], ['tRUE'], ['y']])('refuses %j', (value) => {
    const error = inputError(() => read({ 'enable-training': value }).boolean('enable-training', true));
    expect(error.message).toBe(`input "enable-training": "${value}" is not a boolean; use true or false`);
    expect(error.input).toBe('enable-training');
    expect(error.hint).toBe('accepted values: true, True, TRUE, false, False, FALSE');
  });
});

describe('list', () => {
  it.each([
    ['a,b,c', ['a', 'b', 'c']],
    ['a\nb\nc', ['a', 'b', 'c']],
    ['a\r\nb', ['a', 'b']],
    [' a , b ,, c ,', ['a', 'b', 'c']],
    ['a, b\nc\n\n d ', ['a', 'b', 'c', 'd']],
    ['single', ['single']],
    ['', []],
  ])('splits %j', (value, expected) => {
    expect(read({ items: value }).list('items')).toEqual(expected);
  });

  it('returns an empty list when absent', () => {
    expect(read({}).list('items')).toEqual([]);
  });

  it('can keep commas inside items', () => {
    expect(read({ items: 'a,b\nc' }).list('items', { commas: false })).toEqual(['a,b', 'c']);
  });
});

describe('duration', () => {
  it.each([
    ['500ms', 500],
    ['90s', 90_000],
    ['30m', 1_800_000],
    ['6h', 21_600_000],
    ['1d', 86_400_000],
    ['1h30m', 5_400_000],
    ['1h 30m 15s', 5_415_000],
    ['2m500ms', 120_500],
    ['1.5h', 5_400_000],
    ['90S', 90_000],
    ['0', 0],
    ['PT1H', 3_600_000],
    ['PT1H30M', 5_400_000],
    ['PT90S', 90_000],
    ['PT0.5S', 500],
    ['pt15m', 900_000],
    ['P1D', 86_400_000],
    ['P1DT2H', 93_600_000],
    ['P1W', 604_800_000],
  ])('reads %j as %d ms', (value, ms) => {
    expect(read({ timeout: value }).duration('timeout', '1m')).toBe(ms);
    expect(parseDuration(value)).toBe(ms);
  });

  it.each([
    [900_000, '15m'],
    [1_200_000, '20m'],
    [5_400_000, '1h30m'],
    [90_000, '1m30s'],
    [86_400_000, '24h'],
    [120_500, '2m500ms'],
    [500, '500ms'],
    [0, '0'],
  ])('spells %d ms as an input would: %j', (ms, text) => {
    expect(formatDurationInput(ms)).toBe(text);
    expect(parseDuration(text)).toBe(ms);
  });

  it.each([
    ['15m', 900_000],
    [42, 42],
  ])('uses the default %j when absent', (fallback, ms) => {
    expect(read({}).duration('timeout', fallback)).toBe(ms);
  });

  it.each([
    ['30', 'input "timeout": "30" has no unit; use 30s, 30m or 30h'],
    [
      '15 minutes',
      'input "timeout": "15 minutes" is not a duration; use forms like 90s, 30m, 6h, 1d, 500ms, 1h30m or PT1H30M',
    ],
    ['-5m', 'input "timeout": "-5m" is not a duration; use forms like 90s, 30m, 6h, 1d, 500ms, 1h30m or PT1H30M'],
    ['1h30', 'input "timeout": "1h30" is not a duration; use forms like 90s, 30m, 6h, 1d, 500ms, 1h30m or PT1H30M'],
    ['P', 'input "timeout": "P" is not a duration; use forms like 90s, 30m, 6h, 1d, 500ms, 1h30m or PT1H30M'],
    ['PT', 'input "timeout": "PT" is not a duration; use forms like 90s, 30m, 6h, 1d, 500ms, 1h30m or PT1H30M'],
    ['P1DT', 'input "timeout": "P1DT" is not a duration; use forms like 90s, 30m, 6h, 1d, 500ms, 1h30m or PT1H30M'],
    ['P1M', 'input "timeout": "P1M" uses years or months, which have no fixed length; use days (P30D)'],
    ['P1Y2D', 'input "timeout": "P1Y2D" uses years or months, which have no fixed length; use days (P30D)'],
  ])('refuses %j', (value, message) => {
    expect(inputError(() => read({ timeout: value }).duration('timeout', '1m')).message).toBe(message);
  });
});

describe('integer and number', () => {
  it.each([
    ['42', {}, 42],
    ['-3', {}, -3],
    ['+7', {}, 7],
    ['5', { min: 1, max: 10 }, 5],
    ['1', { min: 1, max: 10 }, 1],
    ['10', { min: 1, max: 10 }, 10],
  ])('integer reads %j with %j', (value, options, expected) => {
    expect(read({ count: value }).integer('count', options)).toBe(expected);
  });

  it('integer uses the default, or undefined without one', () => {
    expect(read({}).integer('count', { default: 3 })).toBe(3);
    expect(read({}).integer('count')).toBeUndefined();
  });

  it.each([
    ['1.5', {}, 'input "count": "1.5" is not an integer'],
    ['abc', {}, 'input "count": "abc" is not an integer'],
    ['1e3', {}, 'input "count": "1e3" is not an integer'],
    ['0x10', {}, 'input "count": "0x10" is not an integer'],
    ['12345678901234567890', {}, 'input "count": "12345678901234567890" is not an integer'],
    ['0', { min: 1, max: 10 }, 'input "count": "0" is out of range; use 1 to 10'],
    ['11', { min: 1, max: 10 }, 'input "count": "11" is out of range; use 1 to 10'],
    ['0', { min: 1 }, 'input "count": "0" is out of range; use at least 1'],
    ['11', { max: 10 }, 'input "count": "11" is out of range; use at most 10'],
  ])('integer refuses %j with %j', (value, options, message) => {
    expect(inputError(() => read({ count: value }).integer('count', options)).message).toBe(message);
  });

  it.each([
    ['0.25', {}, 0.25],
    ['-1.5', {}, -1.5],
    ['.5', {}, 0.5],
    ['3.', {}, 3],
    ['1e-3', {}, 0.001],
    ['99.9', { min: 0, max: 100 }, 99.9],
  ])('number reads %j with %j', (value, options, expected) => {
    expect(read({ rate: value }).number('rate', options)).toBe(expected);
  });

  it('number uses the default, or undefined without one', () => {
    expect(read({}).number('rate', { default: 0.5 })).toBe(0.5);
    expect(read({}).number('rate')).toBeUndefined();
  });

  it.each([
    ['5%', {}, 'input "rate": "5%" is not a number'],
    ['NaN', {}, 'input "rate": "NaN" is not a number'],
    ['Infinity', {}, 'input "rate": "Infinity" is not a number'],
    ['1e999', {}, 'input "rate": "1e999" is not a number'],
    ['1,5', {}, 'input "rate": "1,5" is not a number'],
    ['100.1', { min: 0, max: 100 }, 'input "rate": "100.1" is out of range; use 0 to 100'],
    ['-0.1', { min: 0 }, 'input "rate": "-0.1" is out of range; use at least 0'],
  ])('number refuses %j with %j', (value, options, message) => {
    expect(inputError(() => read({ rate: value }).number('rate', options)).message).toBe(message);
  });
});

describe('enumOf', () => {
  const TYPES = ['LoadBalancer', 'NodePort', 'ClusterIP'] as const;

  it.each([
    ['LoadBalancer', 'LoadBalancer'],
    ['loadbalancer', 'LoadBalancer'],
    ['NODEPORT', 'NodePort'],
  ])('reads %j as %j', (value, expected) => {
    expect(read({ 'service-type': value }).enumOf('service-type', TYPES, 'LoadBalancer')).toBe(expected);
  });

  it('uses the default, or undefined without one', () => {
    expect(read({}).enumOf('service-type', TYPES, 'NodePort')).toBe('NodePort');
    expect(read({}).enumOf('service-type', TYPES)).toBeUndefined();
  });

  it.each([['Ingress'], ['load balancer']])('refuses %j listing the allowed values', (value) => {
    expect(inputError(() => read({ 'service-type': value }).enumOf('service-type', TYPES)).message).toBe(
      `input "service-type": "${value}" is not one of LoadBalancer, NodePort, ClusterIP`,
    );
  });
});

describe('keyValues', () => {
  it.each([
    [
      'a=1\nb=2',
      [
        ['a', '1'],
        ['b', '2'],
      ],
    ],
    [
      ' a = 1 \n\n# comment\nb=',
      [
        ['a', '1'],
        ['b', ''],
      ],
    ],
    ['url=https://x?y=z', [['url', 'https://x?y=z']]],
    [
      'a=1\r\nb=2',
      [
        ['a', '1'],
        ['b', '2'],
      ],
    ],
  ])('reads %j', (value, entries) => {
    expect([...read({ settings: value }).keyValues('settings')]).toEqual(entries);
  });

  it('returns an empty map when absent', () => {
    expect(read({}).keyValues('settings').size).toBe(0);
  });

  it.each([
    ['a=1\nnoequals', 'input "settings": line 2 "noequals" has no "="; write key=value'],
    ['=1', 'input "settings": line 1 "=1" has no key before "="'],
    ['a=1\nb=2\na=3', 'input "settings": line 3 sets "a" again (first set on line 1)'],
  ])('refuses %j naming the line', (value, message) => {
    expect(inputError(() => read({ settings: value }).keyValues('settings')).message).toBe(message);
  });
});

describe('document', () => {
  const workspace = mkdtempSync(join(tmpdir(), 'actions-kit-inputs-'));
  mkdirSync(join(workspace, 'ml'));
  writeFileSync(join(workspace, 'ml', 'job.yml'), 'command: python train.py\ncompute: azureml:k8s\n');
  writeFileSync(join(workspace, 'settings.json'), '{\n  "replicas": 2\n}\n');
  writeFileSync(join(workspace, 'broken.yml'), 'a: 1\nb: [1, 2\n');

  it('reads a workspace-relative YAML file with its position info', () => {
    const doc = read({ job: 'ml/job.yml' }, workspace).document('job');
    expect(doc?.value).toEqual({ command: 'python train.py', compute: 'azureml:k8s' });
    expect(doc?.source).toBe('ml/job.yml');
    expect(doc?.isFile).toBe(true);
    expect(doc?.directory).toBe(join(workspace, 'ml'));
    expect(doc?.locate(['compute'])).toMatchObject({ file: 'ml/job.yml', line: 2, column: 10 });
  });

  it('reads a JSON file', () => {
    const doc = read({ settings: 'settings.json' }, workspace).document('settings');
    expect(doc?.value).toEqual({ replicas: 2 });
    expect(doc?.locate(['replicas'])).toMatchObject({ line: 2, column: 15 });
  });

  it('reads an absolute path', () => {
    const doc = read({ job: join(workspace, 'ml', 'job.yml') }, workspace).document('job');
    expect(doc?.source).toBe('ml/job.yml');
  });

  it.each([
    ['instance_count: 2\nresources:\n  cpu: "1"', { instance_count: 2, resources: { cpu: '1' } }],
    ['{"a": [1, 2]}', { a: [1, 2] }],
    ['- one\n- two', ['one', 'two']],
  ])('parses inline %j', (value, expected) => {
    const doc = read({ spec: value }, workspace).document('spec');
    expect(doc?.value).toEqual(expected);
    expect(doc?.source).toBe('input "spec"');
    expect(doc?.isFile).toBe(false);
    expect(doc?.directory).toBe(workspace);
  });

  it('returns undefined when absent, or requires it when asked', () => {
    expect(read({}, workspace).document('job')).toBeUndefined();
    expect(inputError(() => read({}, workspace).document('job', { required: true })).message).toBe(
      'input "job": a value is required',
    );
  });

  it.each([
    ['missing.yml', `input "job": file "missing.yml" was not found in ${workspace}`],
    ['ml/other.json', `input "job": file "ml/other.json" was not found in ${workspace}`],
    ['ml', 'input "job": "ml" is a directory; give a YAML or JSON file'],
  ])('refuses %j', (value, message) => {
    expect(inputError(() => read({ job: value }, workspace).document('job')).message).toBe(message);
  });

  it('reports a syntax error in a file at its file, line and column', () => {
    let thrown: unknown;
    try {
      read({ job: 'broken.yml' }, workspace).document('job');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SourceError);
    expect(thrown).toMatchObject({ file: 'broken.yml', isFile: true, line: 3, column: 1 });
    expect((thrown as Error).message).toBe(
      'broken.yml:3:1: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]',
    );
  });

  it('reports a syntax error in inline YAML against the input', () => {
    expect(() => read({ spec: 'a: 1\na: 2' }, workspace).document('spec')).toThrow(/^input "spec":2:1: duplicate key/);
  });
});
