import { AbortError, type AbortSignalLike } from '@azure/abort-controller';

/** The current time in milliseconds since the epoch; injected so tests control time. */
export interface Clock {
  now(): number;
}

/** Waits `ms` milliseconds; rejects with an `AbortError` as soon as `signal` aborts. */
export type Sleep = (ms: number, signal?: AbortSignalLike) => Promise<void>;

export const systemClock: Clock = { now: () => Date.now() };

export const realSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(new AbortError('The wait was aborted.'));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new AbortError('The wait was aborted.'));
    };
    const timer = setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** `850 ms`, `12s`, `4m 05s`, `2h 03m` — for messages a person reads. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return `${ms} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const totalSeconds = Math.round(ms / 1000);
  if (totalSeconds < 60) return `${totalSeconds}s`;
  const totalMinutes = Math.floor(totalSeconds / 60);
  if (totalMinutes < 60) return `${totalMinutes}m ${String(totalSeconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(totalMinutes / 60)}h ${String(totalMinutes % 60).padStart(2, '0')}m`;
}

/** An error meant for a person: `hint` says what to do about it. */
export interface ErrorWithHint extends Error {
  readonly hint?: string;
}
