import { describe, expect, it } from '@jest/globals';
import { createProgress, formatDuration } from '../src/index.js';
import { fakeClock, fakeLogger } from '../src/testing.js';

describe('formatDuration', () => {
  it.each([
    [0, '0ms'],
    [-5, '0ms'],
    [Number.NaN, '0ms'],
    [450, '450ms'],
    [1000, '1s'],
    [59_999, '59s'],
    [65_000, '1m05s'],
    [600_000, '10m00s'],
    [3_600_000, '1h00m00s'],
    [7_389_000, '2h03m09s'],
    [30 * 3_600_000, '30h00m00s'],
  ])('formats %d ms as %j', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('createProgress', () => {
  const setup = (heartbeatMs?: number) => {
    const clock = fakeClock(1_000_000);
    const log = fakeLogger();
    const progress = createProgress({
      log,
      clock,
      label: 'job abc',
      ...(heartbeatMs === undefined ? {} : { heartbeatMs }),
    });
    return { clock, log, progress };
  };

  it('prints each state change with the elapsed time', () => {
    const { clock, log, progress } = setup();
    progress.update('Queued');
    clock.advance(5_000);
    progress.update('Starting', 'pulling image');
    clock.advance(60_000);
    progress.update('Running');
    expect(log.messages()).toEqual([
      'job abc: Queued (elapsed 0ms)',
      'job abc: Starting — pulling image (elapsed 5s)',
      'job abc: Running (elapsed 1m05s)',
    ]);
  });

  it('prints at most one heartbeat per interval however often it is polled', () => {
    const { clock, log, progress } = setup(30_000);
    progress.update('Running');
    for (let i = 0; i < 100; i++) {
      clock.advance(1_000);
      progress.update('Running', `step ${i}`);
    }
    expect(log.messages()).toEqual([
      'job abc: Running (elapsed 0ms)',
      'job abc: still Running — step 29 (elapsed 30s)',
      'job abc: still Running — step 59 (elapsed 1m00s)',
      'job abc: still Running — step 89 (elapsed 1m30s)',
    ]);
  });

  it('does not print when the state has not changed and no heartbeat is due', () => {
    const { clock, log, progress } = setup();
    progress.update('Running');
    clock.advance(29_999);
    progress.update('Running');
    expect(log.messages()).toHaveLength(1);
  });

  it('restarts the heartbeat interval after a state change', () => {
    const { clock, log, progress } = setup(10_000);
    progress.update('A');
    clock.advance(9_000);
    progress.update('B');
    clock.advance(9_000);
    progress.update('B');
    clock.advance(1_000);
    progress.update('B');
    expect(log.messages()).toEqual([
      'job abc: A (elapsed 0ms)',
      'job abc: B (elapsed 9s)',
      'job abc: still B (elapsed 19s)',
    ]);
  });

  it('prints the final state once and returns the elapsed time', () => {
    const { clock, log, progress } = setup();
    progress.update('Running');
    clock.advance(185_000);
    expect(progress.done('Completed', 'accuracy 0.98')).toBe(185_000);
    clock.advance(1_000);
    progress.update('Running');
    expect(progress.done('Completed')).toBe(186_000);
    expect(log.messages()).toEqual([
      'job abc: Running (elapsed 0ms)',
      'job abc: Completed — accuracy 0.98 after 3m05s',
    ]);
  });
});
