import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { inputVariable, parseAnnotations, parseFileCommands, REPO_ROOT, visibleLog } from '@arc-ml/test-support';
import { describe, expect, it } from '@jest/globals';

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

describe('runActionBundle', () => {
  it('removes its work folder (RUNNER_TEMP, GITHUB_OUTPUT, …) once it has read the files', () => {
    // A child Node with its own TMPDIR: the folder must be empty again after a run.
    const temp = mkdtempSync(join(tmpdir(), 'run-action-bundle-test-'));
    try {
      const lib = pathToFileURL(join(REPO_ROOT, 'packages/test-support/lib/index.js')).href;
      const script = `const { runActionBundle } = await import(${JSON.stringify(lib)});
        const result = await runActionBundle({ action: 'connect-arc', inputs: { 'cluster-name': 'arc-k3s' } });
        console.log(JSON.stringify({ exitCode: result.exitCode, failure: result.failure }));`;
      const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
        encoding: 'utf8',
        env: { ...process.env, TMPDIR: temp },
      });

      expect(child.stderr).toBe('');
      expect(JSON.parse(child.stdout)).toEqual({
        exitCode: 1,
        failure: expect.stringMatching(/^connect-arc: Input 'client-id': is required/),
      });
      expect(readdirSync(temp)).toEqual([]);
    } finally {
      rmSync(temp, { recursive: true, force: true });
    }
  });
});

describe('visibleLog', () => {
  it('leaves out the ::add-mask:: commands, the only lines a secret may be on', () => {
    expect(visibleLog({ stdout: '::add-mask::s3cret\nplan:\n::add-mask::other\ndone' })).toBe('plan:\ndone');
  });
});
