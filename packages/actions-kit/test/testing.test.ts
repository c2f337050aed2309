import { describe, expect, it } from '@jest/globals';
import { defineStateKey, JobSummary, runAction } from '../src/index.js';
import { fakeActionIO } from '../src/testing.js';

describe('fakeActionIO', () => {
  it('serves inputs by name', () => {
    const io = fakeActionIO({ inputs: { 'compute-name': ' k8s ', 'enable-training': 'false' } });
    expect(io.inputs.required('compute-name')).toBe('k8s');
    expect(io.inputs.boolean('enable-training', true)).toBe(false);
    expect(io.inputs.optional('namespace')).toBeUndefined();
  });

  it('records outputs as passed and as GitHub would see them', () => {
    const io = fakeActionIO();
    io.outputs.set({ 'compute-id': '/x', changed: false, missing: undefined });
    io.outputs.set({ metrics: { loss: 0.1 } });
    expect(io.outputs.values).toEqual({ 'compute-id': '/x', changed: false, metrics: { loss: 0.1 } });
    expect(io.outputs.text).toEqual({ 'compute-id': '/x', changed: 'false', metrics: '{"loss":0.1}' });
  });

  it('records log lines with levels and groups', async () => {
    const io = fakeActionIO();
    await io.log.group('Attach', () => {
      io.log.info('attaching');
      io.log.warning('slow', { file: 'a.yml', startLine: 1 });
    });
    io.log.debug('dbg');
    expect(io.log.lines).toEqual([
      { level: 'group', message: 'Attach' },
      { level: 'info', message: 'attaching' },
      { level: 'warning', message: 'slow', annotation: { file: 'a.yml', startLine: 1 } },
      { level: 'endgroup', message: 'Attach' },
      { level: 'debug', message: 'dbg' },
    ]);
    expect(io.log.messages('info')).toEqual(['attaching']);
  });

  it('records masked secrets and redacts them from later log lines and failures', async () => {
    const io = fakeActionIO();
    io.mask('-----BEGIN KEY-----\nsecret-body-line\n-----END KEY-----');
    io.mask('ab');
    io.log.info('key body is secret-body-line');
    await runAction('x', () => Promise.reject(new Error('bad secret-body-line')), io);
    expect(io.masked).toEqual([
      '-----BEGIN KEY-----\nsecret-body-line\n-----END KEY-----',
      '-----BEGIN KEY-----',
      'secret-body-line',
      '-----END KEY-----',
    ]);
    expect(io.log.messages('info')).toEqual(['key body is ***']);
    expect(io.failures).toEqual(['x: bad ***']);
  });

  it('collects the job summary markdown', async () => {
    const io = fakeActionIO();
    await new JobSummary(io.summary).heading('Done').write();
    expect(io.summary.markdown).toBe('## Done\n');
  });

  it('starts with saved state for a post step', () => {
    const JOB = defineStateKey<string>('job-name');
    const io = fakeActionIO({ state: { 'job-name': '"abc"' } });
    expect(JOB.load(io.state)).toBe('abc');
    JOB.save('def', io.state);
    expect(io.state.values.get('job-name')).toBe('"def"');
  });
});
