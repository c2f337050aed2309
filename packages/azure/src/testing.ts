/** Fakes for tests of code that uses this package: time that moves only when asked, a fixed credential. */
import { AbortError } from '@azure/abort-controller';
import type { AccessToken, TokenCredential } from '@azure/core-auth';
import type { Clock, Sleep } from './time.js';

export interface FakeTime {
  readonly clock: Clock;
  /** Resolves at once and moves the clock forward by the requested time; honours an aborted signal. */
  readonly sleep: Sleep;
  /** Every requested sleep, in order. */
  readonly sleeps: number[];
  advance(ms: number): void;
}

export function fakeTime(startMs = Date.parse('2025-01-01T00:00:00Z')): FakeTime {
  let now = startMs;
  const sleeps: number[] = [];
  return {
    clock: { now: () => now },
    sleeps,
    advance(ms) {
      now += ms;
    },
    async sleep(ms, signal) {
      if (signal?.aborted) throw new AbortError('The wait was aborted.');
      sleeps.push(ms);
      now += ms;
      if (signal?.aborted) throw new AbortError('The wait was aborted.');
    },
  };
}

/** A credential that always returns the same bearer token and counts the scopes it was asked for. */
export function staticCredential(
  token = 'test-token',
  expiresInMs = 3_600_000,
): TokenCredential & { scopes: string[][] } {
  const scopes: string[][] = [];
  return {
    scopes,
    async getToken(requested): Promise<AccessToken> {
      scopes.push(Array.isArray(requested) ? requested : [requested]);
      return { token, expiresOnTimestamp: Date.now() + expiresInMs, tokenType: 'Bearer' };
    },
  };
}
