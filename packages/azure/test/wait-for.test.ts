import { describe, expect, it } from '@jest/globals';
import { fakeTime } from '../src/testing.js';
import { type PollResult, TimeoutError, WaitAbortedError, waitFor } from '../src/wait-for.js';

/** A status function that answers from a script, one entry per poll (the last repeats). */
function scripted<T>(...results: PollResult<T>[]) {
  let polls = 0;
  return {
    get polls() {
      return polls;
    },
    poll: async (): Promise<PollResult<T>> => results[Math.min(polls++, results.length - 1)]!,
  };
}

const running = { state: 'Running', done: false } as const;

describe('waitFor', () => {
  it('stops on a terminal state and returns it with the last value', async () => {
    const time = fakeTime();
    const status = scripted<string>({ state: 'Queued', done: false }, running, running, {
      state: 'Completed',
      done: true,
      value: 'job-1',
    });
    const changes: Array<[string, number]> = [];

    const result = await waitFor({
      poll: status.poll,
      intervalMs: 1000,
      clock: time.clock,
      sleep: time.sleep,
      onStateChange: (state, elapsedMs) => changes.push([state, elapsedMs]),
    });

    expect(result).toEqual({ state: 'Completed', value: 'job-1', elapsedMs: 3500, polls: 4 });
    expect(changes).toEqual([
      ['Queued', 0],
      ['Running', 1000],
      ['Completed', 3500],
    ]);
  });

  it('a terminal failure is also terminal: the caller decides what it means', async () => {
    const time = fakeTime();
    const result = await waitFor({
      poll: scripted(running, { state: 'Failed', done: true }).poll,
      clock: time.clock,
      sleep: time.sleep,
    });
    expect(result.state).toBe('Failed');
  });

  it('backs off while the state stays the same, resets when it changes, and caps the interval', async () => {
    const time = fakeTime();
    const status = scripted(
      { state: 'A', done: false },
      { state: 'A', done: false },
      { state: 'A', done: false },
      { state: 'A', done: false },
      { state: 'B', done: false },
      { state: 'B', done: true },
    );
    await waitFor({
      poll: status.poll,
      intervalMs: 1000,
      maxIntervalMs: 2000,
      backoffFactor: 1.5,
      clock: time.clock,
      sleep: time.sleep,
    });
    expect(time.sleeps).toEqual([1000, 1500, 2000, 2000, 1000]);
  });

  it('waits as long as the service asks (retryAfterMs)', async () => {
    const time = fakeTime();
    const status = scripted({ state: 'Running', done: false, retryAfterMs: 15_000 }, { state: 'Done', done: true });
    await waitFor({ poll: status.poll, intervalMs: 1000, clock: time.clock, sleep: time.sleep });
    expect(time.sleeps).toEqual([15_000]);
  });

  it('times out naming what it waited for, the last state and the elapsed time', async () => {
    const time = fakeTime();
    const status = scripted(running);
    const error = await waitFor({
      what: 'job train-42',
      poll: status.poll,
      intervalMs: 4000,
      maxIntervalMs: 4000,
      timeoutMs: 10_000,
      clock: time.clock,
      sleep: time.sleep,
    }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).message).toBe(
      'Timed out after 10s waiting for job train-42; its last state was Running',
    );
    expect(error).toMatchObject({
      lastState: 'Running',
      elapsedMs: 10_000,
      timeoutMs: 10_000,
      hint: expect.stringMatching(/timeout/),
    });
    // The last sleep is cut to the deadline, and there is one last look at it.
    expect(time.sleeps).toEqual([4000, 4000, 2000]);
    expect(status.polls).toBe(4);
  });

  it('stops when aborted during a wait, without polling again', async () => {
    const time = fakeTime();
    const abort = new AbortController();
    const status = scripted(running);
    const error = await waitFor({
      what: 'extension azureml',
      poll: status.poll,
      signal: abort.signal,
      clock: time.clock,
      sleep: async (ms, signal) => {
        time.advance(ms);
        abort.abort();
        await time.sleep(0, signal);
      },
    }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(WaitAbortedError);
    expect((error as WaitAbortedError).name).toBe('AbortError');
    expect((error as WaitAbortedError).message).toBe(
      'Stopped waiting for extension azureml after 5s (last state: Running): the wait was aborted',
    );
    expect(status.polls).toBe(1);
  });

  it('stops when aborted while a poll is in flight, and passes the signal to the poll', async () => {
    const time = fakeTime();
    const abort = new AbortController();
    const seen: unknown[] = [];
    const error = await waitFor({
      poll: async (signal) => {
        seen.push(signal);
        abort.abort();
        throw new Error('request aborted');
      },
      signal: abort.signal,
      clock: time.clock,
      sleep: time.sleep,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WaitAbortedError);
    expect((error as Error).cause).toEqual(new Error('request aborted'));
    expect(seen).toEqual([abort.signal]);
  });

  it('does not poll at all when already aborted', async () => {
    const time = fakeTime();
    const status = scripted(running);
    await expect(
      waitFor({ poll: status.poll, signal: AbortSignal.abort(), clock: time.clock, sleep: time.sleep }),
    ).rejects.toBeInstanceOf(WaitAbortedError);
    expect(status.polls).toBe(0);
  });

  it('lets a failing poll fail the wait', async () => {
    const time = fakeTime();
    await expect(
      waitFor({
        poll: () => Promise.reject(new Error('403 AuthorizationFailed')),
        clock: time.clock,
        sleep: time.sleep,
      }),
    ).rejects.toThrow('403 AuthorizationFailed');
  });
});
