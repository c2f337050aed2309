/**
 * One retry policy for every Azure SDK pipeline: throttling (429) and transient failures
 * (408, 500, 502, 503, 504, dropped connections) are retried, honouring `Retry-After`.
 */
import { AbortError } from '@azure/abort-controller';
import type { PipelinePolicy, PipelineRequest, PipelineResponse, SendRequest } from '@azure/core-rest-pipeline';
import { type Clock, realSleep, type Sleep, systemClock } from './time.js';

export const retryPolicyName = 'arcMlRetryPolicy';

export const retryableStatusCodes: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

const retryableErrorCodes = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'ERR_STREAM_PREMATURE_CLOSE',
  'REQUEST_SEND_ERROR',
]);
const retryableErrorMessage = /socket hang up|premature close|other side closed|network socket disconnected/i;

/** What a retry is about to do; for a log line. */
export interface RetryInfo {
  readonly method: string;
  readonly url: string;
  /** 1 for the first retry. */
  readonly attempt: number;
  readonly maxRetries: number;
  readonly delayMs: number;
  /** `HTTP 429` or the connection error's code. */
  readonly reason: string;
}

export interface RetryOptions {
  /** Retries after the first attempt; default 5. */
  readonly maxRetries?: number;
  /** First backoff delay when the service says nothing; default 1000 ms, doubled each retry. */
  readonly initialDelayMs?: number;
  /** Cap of the exponential backoff; default 30 s. */
  readonly maxDelayMs?: number;
  /** Cap of a server-requested `Retry-After`; default 5 min. */
  readonly maxRetryAfterMs?: number;
  readonly sleep?: Sleep;
  readonly clock?: Clock;
  /** Returns [0, 1); jitter spreads backoff delays to between 80% and 120%. */
  readonly random?: () => number;
  readonly onRetry?: (info: RetryInfo) => void;
}

/** A `PipelinePolicy` for the `Retry` phase; use instead of the SDK default retry policy. */
export function createRetryPolicy(options: RetryOptions = {}): PipelinePolicy {
  const maxRetries = options.maxRetries ?? 5;
  const initialDelayMs = options.initialDelayMs ?? 1000;
  const maxDelayMs = options.maxDelayMs ?? 30_000;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 300_000;
  const sleep = options.sleep ?? realSleep;
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;

  const backoff = (retry: number): number => {
    const exponential = Math.min(maxDelayMs, initialDelayMs * 2 ** (retry - 1));
    return Math.round(Math.min(maxDelayMs, exponential * (0.8 + 0.4 * random())));
  };

  return {
    name: retryPolicyName,
    async sendRequest(request: PipelineRequest, next: SendRequest): Promise<PipelineResponse> {
      for (let retry = 0; ; retry++) {
        throwIfAborted(request);
        let response: PipelineResponse;
        try {
          response = await next(request);
        } catch (error) {
          if (retry >= maxRetries || request.abortSignal?.aborted || !isRetryableError(error)) throw error;
          await pause(request, retry, { reason: errorReason(error), delayMs: backoff(retry + 1) });
          continue;
        }
        if (!retryableStatusCodes.has(response.status) || retry >= maxRetries) return response;
        const requested = retryAfterMs(response, clock);
        discardBody(response);
        await pause(request, retry, {
          reason: `HTTP ${response.status}`,
          delayMs: requested === undefined ? backoff(retry + 1) : Math.min(requested, maxRetryAfterMs),
        });
      }
    },
  };

  async function pause(
    request: PipelineRequest,
    retry: number,
    wait: { reason: string; delayMs: number },
  ): Promise<void> {
    options.onRetry?.({ method: request.method, url: request.url, attempt: retry + 1, maxRetries, ...wait });
    await sleep(wait.delayMs, request.abortSignal);
  }
}

/** True for connection failures worth another try (reset, refused, timed out, dropped mid-response). */
export function isRetryableError(error: unknown): boolean {
  if (!isRecord(error)) return false;
  if (error['name'] === 'AbortError') return false;
  for (let e: unknown = error, depth = 0; isRecord(e) && depth < 5; e = e['cause'], depth++) {
    if (typeof e['code'] === 'string' && retryableErrorCodes.has(e['code'])) return true;
    if (typeof e['message'] === 'string' && retryableErrorMessage.test(e['message'])) return true;
  }
  return false;
}

/**
 * The wait a response asks for: `retry-after-ms` / `x-ms-retry-after-ms` (milliseconds) or
 * `Retry-After` (seconds, or an HTTP date measured against `clock`).
 */
export function retryAfterMs(response: PipelineResponse, clock: Clock = systemClock): number | undefined {
  for (const header of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const value = response.headers.get(header);
    if (value !== undefined && /^\s*\d+(\.\d+)?\s*$/.test(value)) return Math.max(0, Number(value));
  }
  const retryAfter = response.headers.get('retry-after');
  if (retryAfter === undefined) return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(retryAfter)) return Math.max(0, Number(retryAfter) * 1000);
  const date = Date.parse(retryAfter);
  return Number.isFinite(date) ? Math.max(0, date - clock.now()) : undefined;
}

function throwIfAborted(request: PipelineRequest): void {
  if (request.abortSignal?.aborted) throw new AbortError(`${request.method} ${request.url} was aborted.`);
}

function errorReason(error: unknown): string {
  if (!isRecord(error)) return String(error);
  const code = typeof error['code'] === 'string' ? error['code'] : undefined;
  const message = typeof error['message'] === 'string' ? error['message'] : undefined;
  return [code, message].filter(Boolean).join(' ') || 'connection error';
}

/** Frees the socket of a response we are about to throw away. */
function discardBody(response: PipelineResponse): void {
  const stream = response.readableStreamBody;
  if (stream && typeof (stream as { resume?: () => void }).resume === 'function') {
    (stream as { resume: () => void }).resume();
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
