import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  inputVariable,
  parseAnnotations,
  parseFileCommands,
  REPO_ROOT,
  runActionBundle,
  runnerInputs,
  visibleLog,
} from '@arc-ml/test-support';
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

const ACTION_YML = `name: echo-inputs
inputs:
  cluster-name:
    description: required, no default
    required: true
  timeout:
    description: a plain default
    default: 20m
  enable-ha:
    description: a YAML boolean the runner reads as the string "true"
    default: true
  ratio:
    description: a YAML number the runner keeps as written
    default: 1.0
  empty:
    description: an explicit empty default
    default: ""
  token:
    description: an expression only the runner can evaluate
    default: \${{ github.token }}
  my input:
    description: a name with a space
    default: spaced
runs:
  using: node24
  main: dist/index.js
`;

describe('runnerInputs (the INPUT_ variables the runner sets from action.yml and the step)', () => {
  it.each<[string, Record<string, string>, Record<string, string>, string[]]>([
    [
      'no step inputs: every declared input, its default or empty; expression defaults left unset',
      {},
      {
        'INPUT_CLUSTER-NAME': '',
        INPUT_TIMEOUT: '20m',
        'INPUT_ENABLE-HA': 'true',
        INPUT_RATIO: '1.0',
        INPUT_EMPTY: '',
        INPUT_MY_INPUT: 'spaced',
      },
      ['token'],
    ],
    [
      "the step's values win over defaults, an explicit '' included, and an expression default given by the step",
      { 'cluster-name': 'arc-k3s', timeout: '', 'enable-ha': 'false', token: 'ghs_x', 'my input': 'given' },
      {
        'INPUT_CLUSTER-NAME': 'arc-k3s',
        INPUT_TIMEOUT: '',
        'INPUT_ENABLE-HA': 'false',
        INPUT_RATIO: '1.0',
        INPUT_EMPTY: '',
        INPUT_TOKEN: 'ghs_x',
        INPUT_MY_INPUT: 'given',
      },
      [],
    ],
  ])('%s', (_case, given, environment, unevaluated) => {
    expect(runnerInputs(ACTION_YML, given)).toEqual({ environment, unevaluatedDefaults: unevaluated });
  });

  it('refuses an input action.yml does not declare, naming it and the declared ones', () => {
    expect(() => runnerInputs('inputs:\n  a:\n    default: x\n', { a: '1', typo: '2' })).toThrow(
      "Unexpected input(s) 'typo'; action.yml declares a",
    );
  });

  it('sets nothing for an action without inputs', () => {
    expect(runnerInputs('name: x\nruns:\n  using: node24\n  main: dist/index.js\n')).toEqual({
      environment: {},
      unevaluatedDefaults: [],
    });
  });
});

describe('runActionBundle', () => {
  it("gives the bundle action.yml's defaults under the step's inputs, as the runner does", async () => {
    // A stand-in action whose bundle writes every INPUT_ variable it sees to GITHUB_OUTPUT.
    const root = mkdtempSync(join(tmpdir(), 'run-action-bundle-root-'));
    try {
      const action = join(root, 'actions', 'echo-inputs');
      mkdirSync(join(action, 'dist'), { recursive: true });
      writeFileSync(join(action, 'action.yml'), ACTION_YML);
      writeFileSync(
        join(action, 'dist', 'index.js'),
        `const { appendFileSync } = require('node:fs');
         for (const [k, v] of Object.entries(process.env)) if (k.startsWith('INPUT_')) appendFileSync(process.env.GITHUB_OUTPUT, k + '=' + v + '\\n');`,
      );

      const result = await runActionBundle({
        root,
        action: 'echo-inputs',
        inputs: { 'cluster-name': 'arc-k3s', timeout: '5m' },
      });

      expect(result.exitCode).toBe(0);
      expect(result.outputs).toEqual({
        'INPUT_CLUSTER-NAME': 'arc-k3s',
        INPUT_TIMEOUT: '5m',
        'INPUT_ENABLE-HA': 'true',
        INPUT_RATIO: '1.0',
        INPUT_EMPTY: '',
        INPUT_MY_INPUT: 'spaced',
      });
      expect(result.unevaluatedDefaults).toEqual(['token']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('hands the log to onOutput as it is written, stream by stream, and still returns it whole', async () => {
    const root = mkdtempSync(join(tmpdir(), 'run-action-bundle-root-'));
    try {
      const action = join(root, 'actions', 'chatty');
      mkdirSync(join(action, 'dist'), { recursive: true });
      writeFileSync(join(action, 'action.yml'), 'name: chatty\nruns:\n  using: node24\n  main: dist/index.js\n');
      writeFileSync(join(action, 'dist', 'index.js'), "console.log('step one'); console.error('careful');");
      const seen: string[] = [];

      const result = await runActionBundle({
        root,
        action: 'chatty',
        onOutput: (stream, text) => seen.push(`${stream}:${text}`),
      });

      expect(seen).toEqual(['stdout:step one\n', 'stderr:careful\n']);
      expect([result.stdout, result.stderr]).toEqual(['step one\n', 'careful\n']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

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
