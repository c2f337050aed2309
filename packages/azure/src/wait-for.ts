/**
 * `waitFor()` polls a status function until it reports a terminal state — a job, a cluster's
 * connectivity, an extension's install — with backoff, `Retry-After`, a timeout and an abort signal.
 */
import { AbortError, type AbortSignalLike } from '@azure/abort-controller';
import { type Clock, formatDuration, realSleep, type Sleep, systemClock } from './time.js';

/** What one poll saw. */
export interface PollResult<T> {
  /** A short word a person reads: `Running`, `Connected`, `Succeeded`. */
  readonly state: string;
  /** True when the state is terminal (success or failure — the caller decides what failure means). */
  readonly done: boolean;
  /** The service asked for this wait before the next poll. */
  readonly retryAfterMs?: number;
  readonly value?: T;
}

export interface WaitForOptions<T> {
  /** Asks once; gets the signal so a request in flight can stop when the wait is aborted. */
  readonly poll: (signal: AbortSignalLike | undefined) => Promise<PollResult<T>>;
  /** Names what is awaited in messages, e.g. `job train-42`; default `the operation`. */
  readonly what?: string;
  /** First wait between polls; default 5 s. It grows while the state stays the same and resets when it changes. */
  readonly intervalMs?: number;
  /** Longest wait between polls (unless the service asks for more); default 60 s. */
  readonly maxIntervalMs?: number;
  /** Growth of the wait while nothing changes; default 1.5. */
  readonly backoffFactor?: number;
  /** Give up after this long; default: never. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignalLike;
  /** Called with the first state and each change, with the time since the wait began. */
  readonly onStateChange?: (state: string, elapsedMs: number) => void;
  readonly clock?: Clock;
  readonly sleep?: Sleep;
}

export interface WaitResult<T> {
  /** The terminal state. */
  readonly state: string;
  /** The value of the last poll. */
  readonly value: T | undefined;
  readonly elapsedMs: number;
  readonly polls: number;
}

export class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
  constructor(
    readonly what: string,
    readonly lastState: string | undefined,
    readonly elapsedMs: number,
    readonly timeoutMs: number,
    readonly hint = 'Raise the timeout, or look at the resource in the portal: the operation goes on in Azure after this step stops waiting.',
  ) {
    super(
      `Timed out after ${formatDuration(elapsedMs)} waiting for ${what}${lastState ? `; its last state was ${lastState}` : ''}`,
    );
  }
}

/** Waiting stopped because the signal aborted (e.g. the workflow was cancelled). Nothing was canceled in Azure. */
export class WaitAbortedError extends AbortError {
  constructor(
    readonly what: string,
    readonly lastState: string | undefined,
    readonly elapsedMs: number,
    options?: { cause?: unknown },
  ) {
    super(
      `Stopped waiting for ${what} after ${formatDuration(elapsedMs)}${lastState ? ` (last state: ${lastState})` : ''}: the wait was aborted`,
    );
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}

/** Polls until `done`; rejects with `TimeoutError` or `WaitAbortedError`, or with whatever `poll` throws. */
export async function waitFor<T>(options: WaitForOptions<T>): Promise<WaitResult<T>> {
  const what = options.what ?? 'the operation';
  const intervalMs = options.intervalMs ?? 5000;
  const maxIntervalMs = Math.max(intervalMs, options.maxIntervalMs ?? 60_000);
  const factor = options.backoffFactor ?? 1.5;
  const timeoutMs = options.timeoutMs ?? Number.POSITIVE_INFINITY;
  const clock = options.clock ?? systemClock;
  const sleep = options.sleep ?? realSleep;
  const { signal } = options;
  const start = clock.now();
  const elapsed = (): number => clock.now() - start;

  let last: PollResult<T> | undefined;
  let interval = intervalMs;
  let polls = 0;
  for (;;) {
    if (signal?.aborted) throw new WaitAbortedError(what, last?.state, elapsed());
    let result: PollResult<T>;
    try {
      result = await options.poll(signal);
    } catch (error) {
      if (signal?.aborted) throw new WaitAbortedError(what, last?.state, elapsed(), { cause: error });
      throw error;
    }
    polls++;
    const elapsedMs = elapsed();
    if (result.state !== last?.state) {
      interval = intervalMs;
      options.onStateChange?.(result.state, elapsedMs);
    } else {
      interval = Math.min(maxIntervalMs, Math.round(interval * factor));
    }
    last = result;
    if (result.done) return { state: result.state, value: result.value, elapsedMs, polls };
    if (elapsedMs >= timeoutMs) throw new TimeoutError(what, result.state, elapsedMs, timeoutMs);

    const wanted = result.retryAfterMs !== undefined && result.retryAfterMs >= 0 ? result.retryAfterMs : interval;
    try {
      await sleep(Math.min(wanted, timeoutMs - elapsedMs), signal);
    } catch (error) {
      if (signal?.aborted) throw new WaitAbortedError(what, last.state, elapsed(), { cause: error });
      throw error;
    }
  }
}
