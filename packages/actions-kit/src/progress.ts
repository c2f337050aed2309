import type { Logger } from './log.js';

/** Milliseconds since some fixed point; injected so tests control time. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** `500ms`, `45s`, `1m05s`, `2h03m09s` — whole seconds from one second up. */
export function formatDuration(ms: number): string {
  const total = Number.isFinite(ms) && ms > 0 ? ms : 0;
  if (total < 1000) return `${Math.floor(total)}ms`;
  const seconds = Math.floor(total / 1000);
  const s = seconds % 60;
  const m = Math.floor(seconds / 60) % 60;
  const h = Math.floor(seconds / 3600);
  const two = (n: number) => String(n).padStart(2, '0');
  if (h > 0) return `${h}h${two(m)}m${two(s)}s`;
  if (m > 0) return `${m}m${two(s)}s`;
  return `${s}s`;
}

export interface ProgressOptions {
  readonly log: Pick<Logger, 'info'>;
  readonly label: string;
  readonly clock?: Clock;
  /** At most one "still <state>" line per this many milliseconds while the state stays the same. */
  readonly heartbeatMs?: number;
}

export interface Progress {
  /** Reports the current state; prints only on a change, or a heartbeat when one is due. */
  update(state: string, detail?: string): void;
  /** Prints the final state with the total time once; returns the elapsed milliseconds. */
  done(finalState: string, detail?: string): number;
}

/**
 * Progress lines for a long wait, e.g. `training job: Running (elapsed 1m05s)`. Call `update` as often
 * as you poll: the log gets a line per state change and at most one heartbeat per `heartbeatMs`.
 */
export function createProgress({ log, label, clock = systemClock, heartbeatMs = 30_000 }: ProgressOptions): Progress {
  const started = clock.now();
  let state: string | undefined;
  let lastPrinted = started;
  let finished = false;
  const withDetail = (text: string, detail: string | undefined) => (detail ? `${text} — ${detail}` : text);

  return {
    update(next, detail) {
      if (finished) return;
      const now = clock.now();
      const elapsed = formatDuration(now - started);
      if (next !== state) {
        state = next;
        lastPrinted = now;
        log.info(`${label}: ${withDetail(next, detail)} (elapsed ${elapsed})`);
      } else if (now - lastPrinted >= heartbeatMs) {
        lastPrinted = now;
        log.info(`${label}: still ${withDetail(next, detail)} (elapsed ${elapsed})`);
      }
    },
    done(finalState, detail) {
      const elapsed = clock.now() - started;
      if (!finished) {
        finished = true;
        log.info(`${label}: ${withDetail(finalState, detail)} after ${formatDuration(elapsed)}`);
      }
      return elapsed;
    },
  };
}
