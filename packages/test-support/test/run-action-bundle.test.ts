import { describe, expect, it } from '@jest/globals';
import { inputVariable, parseAnnotations, parseFileCommands } from '@arc-ml/test-support';

describe('parseFileCommands', () => {
  it('reads heredoc blocks, multi-line values and legacy name=value lines', () => {
    const text = [
      'cluster-id<<ghadelimiter_1',
      '/subscriptions/s/resourceGroups/rg',
      'ghadelimiter_1',
      'notes<<ghadelimiter_2',
      'line one',
      'line two',
      'ghadelimiter_2',
      'changed=false',
      '',
    ].join('\n');
    expect(parseFileCommands(text)).toEqual({
      'cluster-id': '/subscriptions/s/resourceGroups/rg',
      notes: 'line one\nline two',
      changed: 'false',
    });
  });
});

describe('parseAnnotations', () => {
  it.each([
    ['::error::connect-arc: boom', { level: 'error', message: 'connect-arc: boom', properties: {} }],
    [
      '::error file=job.yml,line=3,col=5,title=bad::value%0Ahint',
      { level: 'error', message: 'value\nhint', properties: { file: 'job.yml', line: '3', col: '5', title: 'bad' } },
    ],
    ['::warning::HA wants 3 nodes', { level: 'warning', message: 'HA wants 3 nodes', properties: {} }],
  ])('parses %s', (line, expected) => {
    expect(parseAnnotations(`noise\n${line}\n`)).toEqual([expected]);
  });

  it('ignores other workflow commands and plain output', () => {
    expect(parseAnnotations('::add-mask::secret\n::group::x\nhello')).toEqual([]);
  });
});

describe('inputVariable', () => {
  it.each([
    ['cluster-name', 'INPUT_CLUSTER-NAME'],
    ['my input', 'INPUT_MY_INPUT'],
  ])('%s → %s', (name, variable) => {
    expect(inputVariable(name)).toBe(variable);
  });
});
