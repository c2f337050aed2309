import { describe, expect, it } from '@jest/globals';
import { defineStateKey } from '../src/index.js';
import { fakeStateStore } from '../src/testing.js';

interface SubmittedJob {
  readonly name: string;
  readonly workspace: string;
}

const isSubmittedJob = (value: unknown): value is SubmittedJob =>
  typeof value === 'object' && value !== null && typeof (value as SubmittedJob).name === 'string';

describe('defineStateKey', () => {
  it('round-trips typed values as JSON', () => {
    const store = fakeStateStore();
    const JOB = defineStateKey<SubmittedJob>('submitted-job', isSubmittedJob);
    const CANCEL = defineStateKey<boolean>('cancel-on-exit');
    JOB.save({ name: 'abc', workspace: 'ws' }, store);
    CANCEL.save(false, store);
    expect(store.values.get('submitted-job')).toBe('{"name":"abc","workspace":"ws"}');
    expect(JOB.load(store)).toEqual({ name: 'abc', workspace: 'ws' });
    expect(CANCEL.load(store)).toBe(false);
    expect(JOB.name).toBe('submitted-job');
  });

  it.each([
    ['nothing saved', {}],
    ['an empty value', { 'submitted-job': '' }],
    ['text that is not JSON', { 'submitted-job': 'abc' }],
    ['JSON of the wrong shape', { 'submitted-job': '{"id":1}' }],
  ])('loads undefined for %s', (_case, saved) => {
    expect(defineStateKey<SubmittedJob>('submitted-job', isSubmittedJob).load(fakeStateStore(saved))).toBeUndefined();
  });
});
