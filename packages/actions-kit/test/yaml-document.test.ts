import { describe, expect, it } from '@jest/globals';
import { type Annotation, parseYaml, reportAnnotation, SourceError } from '../src/index.js';

const JOB = [
  '$schema: https://azuremlschemas.azureedge.net/latest/commandJob.schema.json', // line 1
  'command: python train.py', // 2
  'environment:', // 3
  '  image: mcr.microsoft.com/azureml/base', // 4
  'inputs:', // 5
  '  epochs: 3', // 6
  'resources:', // 7
  '  instance_count: 2', // 8
  'deployments:', // 9
  '  - name: blue', // 10
  '    traffic: 100', // 11
  '  - name: green', // 12
  'defaults: &defaults', // 13
  '  cpu: "1"', // 14
  'override: *defaults', // 15
  'empty:', // 16
  '',
].join('\n');

const parse = () => parseYaml(JOB, { source: 'ml/job.yml', isFile: true, directory: '/ws/ml' });

function sourceError(fn: () => unknown): SourceError {
  try {
    fn();
  } catch (error) {
    if (error instanceof SourceError) return error;
    throw error;
  }
  throw new Error('expected a SourceError');
}

describe('parseYaml', () => {
  it('returns the plain value with YAML 1.2 core semantics', () => {
    const doc = parseYaml('a: yes\nb: on\nc: 010\nd: true\ne: ~\nf: 1.5', { source: 'x.yml' });
    expect(doc.value).toEqual({ a: 'yes', b: 'on', c: 10, d: true, e: null, f: 1.5 });
    expect(doc.source).toBe('x.yml');
    expect(doc.isFile).toBe(false);
  });

  it('resolves aliases in the value', () => {
    expect(parse().value).toMatchObject({ override: { cpu: '1' } });
  });

  it('treats an empty document as null', () => {
    expect(parseYaml('').value).toBeNull();
    expect(parseYaml('# only a comment\n').value).toBeNull();
  });

  it.each([
    [['command'], 2, 10],
    [['environment'], 4, 3],
    [['environment', 'image'], 4, 10],
    [['inputs', 'epochs'], 6, 11],
    [['resources', 'instance_count'], 8, 19],
    [['deployments', 0], 10, 5],
    [['deployments', 0, 'traffic'], 11, 14],
    [['deployments', 1, 'name'], 12, 11],
    [['override', 'cpu'], 14, 8],
    [['empty'], 16, 1],
  ])('locates %j at line %d column %d', (path, line, column) => {
    expect(parse().locate(path)).toMatchObject({ file: 'ml/job.yml', isFile: true, line, column });
  });

  it('gives the end of a one-line value', () => {
    expect(parse().locate(['command'])).toEqual({
      file: 'ml/job.yml',
      isFile: true,
      line: 2,
      column: 10,
      endLine: 2,
      endColumn: 25,
    });
  });

  it.each([[['nope']], [['deployments', 5]], [['deployments', 'name']], [['command', 'x']]])(
    'does not locate %j',
    (path) => {
      expect(parse().locate(path)).toBeUndefined();
    },
  );

  it('locates the whole document at the empty path', () => {
    expect(parse().locate([])).toMatchObject({ line: 1, column: 1 });
  });

  it.each([
    [['resources', 'instance_count'], 8, 19],
    [['resources', 'instance_type'], 8, 3],
    [['deployments', 3, 'name'], 10, 3],
    [['missing', 'deeper'], 1, 1],
  ])('errorAt(%j) points at the value or its nearest parent', (path, line, column) => {
    const error = parse().errorAt(path, 'must be at most 1', { hint: 'use one instance' });
    expect(error).toBeInstanceOf(SourceError);
    expect(error.message).toBe(`ml/job.yml:${line}:${column}: must be at most 1`);
    expect(error.detail).toBe('must be at most 1');
    expect([error.file, error.line, error.column, error.hint]).toEqual([
      'ml/job.yml',
      line,
      column,
      'use one instance',
    ]);
  });

  it('keeps the directory for relative paths inside the document', () => {
    expect(parse().directory).toBe('/ws/ml');
  });

  it('counts lines within an inline source', () => {
    const doc = parseYaml('a: 1\nb:\n  c: 2', { source: 'input "spec"' });
    expect(doc.errorAt(['b', 'c'], 'bad').message).toBe('input "spec":3:6: bad');
  });

  it.each([
    ['a: 1\na: 2', 2, 1, 'duplicate key "a"; each key may appear once in a mapping'],
    ['a:\n\tb: 1', 2, 1, 'Tabs are not allowed as indentation; indent YAML with spaces'],
    ['a: 1\n---\nb: 2', 2, 1, 'the source has more than one YAML document (---); put one document per file'],
    ['x: *nope', 1, 4, 'alias *nope has no anchor &nope before it'],
    ['key: "unterminated', 1, 19, 'YAML syntax error: Missing closing "quote'],
    ['a: b: c', 1, 4, 'YAML syntax error: Nested mappings are not allowed in compact mappings'],
  ])('turns a problem in %j into a SourceError at %d:%d', (text, line, column, detail) => {
    const error = sourceError(() => parseYaml(text, { source: 'f.yml', isFile: true }));
    expect([error.line, error.column, error.detail]).toEqual([line, column, detail]);
    expect(error.message).toBe(`f.yml:${line}:${column}: ${detail}`);
  });

  it('says how many more problems there are', () => {
    const error = sourceError(() => parseYaml('a: 1\na: 2\na: 3'));
    expect(error.detail).toMatch(/\(and 1 more problem\)$/);
  });
});

describe('reportAnnotation', () => {
  const record = () => {
    const calls: [string, Annotation | undefined][] = [];
    return { calls, error: (message: string, annotation?: Annotation) => calls.push([message, annotation]) };
  };

  it('annotates a file at its line and column', () => {
    const sink = record();
    reportAnnotation(parse().errorAt(['command'], 'unknown command'), sink, 'submit-training');
    expect(sink.calls).toEqual([
      [
        'unknown command',
        {
          title: 'submit-training',
          file: 'ml/job.yml',
          startLine: 2,
          startColumn: 10,
          endLine: 2,
          endColumn: 25,
        },
      ],
    ]);
  });

  it('points a value spanning lines at its start only', () => {
    const sink = record();
    reportAnnotation(parse().errorAt(['deployments'], 'too many'), sink);
    expect(sink.calls).toEqual([['too many', { file: 'ml/job.yml', startLine: 10, startColumn: 3 }]]);
  });

  it('gives an inline source a plain annotation with the position in the message', () => {
    const sink = record();
    reportAnnotation(parseYaml('a: 1', { source: 'input "spec"' }).errorAt(['a'], 'bad'), sink, 'x');
    expect(sink.calls).toEqual([['input "spec":1:4: bad', { title: 'x' }]]);
  });
});
