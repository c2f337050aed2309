// The thin adapters over @actions/core, exercised through the runner's own files and stdout — the edge.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import {
  actionIO,
  actionsLogger,
  actionsOutputs,
  actionsRunIO,
  actionsStateStore,
  actionsSummarySink,
  defineStateKey,
  JobSummary,
  runAction,
} from '../src/index.js';

const VARS = ['GITHUB_OUTPUT', 'GITHUB_STATE', 'GITHUB_STEP_SUMMARY', 'STATE_job', 'INPUT_NAME'];
let saved: Record<string, string | undefined>;
let dir: string;

beforeEach(() => {
  saved = Object.fromEntries(VARS.map((name) => [name, process.env[name]]));
  for (const name of VARS) delete process.env[name];
  dir = mkdtempSync(join(tmpdir(), 'actions-kit-core-'));
});

afterEach(() => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

/** Captures what @actions/core writes to stdout (workflow commands and log lines). */
async function stdoutOf(fn: () => unknown): Promise<string> {
  let text = '';
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
    text += String(chunk);
    return true;
  });
  try {
    await fn();
  } finally {
    spy.mockRestore();
  }
  return text;
}

/** Parses the `name<<delimiter` blocks @actions/core writes to GITHUB_OUTPUT / GITHUB_STATE. */
function fileCommands(path: string): Record<string, string> {
  const result: Record<string, string> = {};
  const pattern = /^(.+?)<<(ghadelimiter_[\w-]+)\n([\s\S]*?)\n\2$/gm;
  for (const [, name, , value] of readFileSync(path, 'utf8').matchAll(pattern)) result[name!] = value!;
  return result;
}

describe('actionsOutputs', () => {
  it('writes formatted values to GITHUB_OUTPUT and skips undefined and null', () => {
    const file = join(dir, 'output');
    writeFileSync(file, '');
    process.env['GITHUB_OUTPUT'] = file;
    actionsOutputs().set({
      'job-name': 'abc',
      changed: false,
      'p95-ms': 12.5,
      metrics: { accuracy: 0.98 },
      tags: ['a', 'b'],
      'model-id': undefined,
      empty: null,
    });
    expect(fileCommands(file)).toEqual({
      'job-name': 'abc',
      changed: 'false',
      'p95-ms': '12.5',
      metrics: '{"accuracy":0.98}',
      tags: '["a","b"]',
    });
  });
});

describe('actionsStateStore', () => {
  it('saves to GITHUB_STATE and loads from STATE_<name>', () => {
    const file = join(dir, 'state');
    writeFileSync(file, '');
    process.env['GITHUB_STATE'] = file;
    const JOB = defineStateKey<{ name: string }>('job');
    JOB.save({ name: 'abc' });
    expect(fileCommands(file)).toEqual({ job: '{"name":"abc"}' });

    expect(JOB.load()).toBeUndefined();
    process.env['STATE_job'] = '{"name":"abc"}';
    expect(JOB.load(actionsStateStore())).toEqual({ name: 'abc' });
  });
});

describe('actionsSummarySink', () => {
  it('appends to GITHUB_STEP_SUMMARY', async () => {
    const file = join(dir, 'summary.md');
    writeFileSync(file, 'before\n');
    process.env['GITHUB_STEP_SUMMARY'] = file;
    await new JobSummary(actionsSummarySink()).heading('Done').write();
    expect(readFileSync(file, 'utf8')).toBe('before\n## Done\n\n');
  });

  it('drops the summary when there is no GITHUB_STEP_SUMMARY', async () => {
    await expect(new JobSummary().heading('Done').write()).resolves.toBeUndefined();
  });
});

describe('actionsLogger', () => {
  it('writes log lines, annotations and groups as workflow commands', async () => {
    const log = actionsLogger();
    const out = await stdoutOf(async () => {
      log.info('hello');
      log.warning('careful', { file: 'ml/job.yml', startLine: 3, startColumn: 5, title: 'x' });
      log.error('bad');
      log.debug('details');
      await expect(log.group('Submit', () => 7)).resolves.toBe(7);
      await expect(
        log.group('Fails', async () => {
          throw new Error('inside');
        }),
      ).rejects.toThrow('inside');
    });
    expect(out.split('\n')).toEqual([
      'hello',
      '::warning title=x,file=ml/job.yml,line=3,col=5::careful',
      '::error::bad',
      '::debug::details',
      '::group::Submit',
      '::endgroup::',
      '::group::Fails',
      '::endgroup::',
      '',
    ]);
  });
});

describe('runAction with the real io', () => {
  it('fails the step through core.setFailed', async () => {
    const previous = process.exitCode;
    try {
      const out = await stdoutOf(() => runAction('x', () => Promise.reject(new Error('boom')), actionsRunIO()));
      expect(out).toContain('::error::x: boom');
      expect(process.exitCode).toBe(1);
    } finally {
      process.exitCode = previous;
    }
  });
});

describe('actionIO', () => {
  it('reads inputs from the environment and masks secrets with add-mask', async () => {
    process.env['INPUT_NAME'] = ' k8s ';
    const io = actionIO();
    expect(io.inputs.required('name')).toBe('k8s');
    const out = await stdoutOf(() => io.mask('line-one\nline-two'));
    expect(out).toBe('::add-mask::line-one%0Aline-two\n::add-mask::line-one\n::add-mask::line-two\n');
  });
});
