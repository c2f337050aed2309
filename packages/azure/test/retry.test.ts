import type { ServerResponse } from 'node:http';
import {
  createDefaultHttpClient,
  createEmptyPipeline,
  createHttpHeaders,
  createPipelineRequest,
  type PipelineResponse,
} from '@azure/core-rest-pipeline';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createRetryPolicy, isRetryableError, type RetryInfo, type RetryOptions, retryAfterMs } from '../src/retry.js';
import { fakeTime } from '../src/testing.js';
import { sendJson, startHttpsServer, type TestServer, trustTestCa } from './helpers/https-server.js';

/** One scripted misbehaviour per request, then 200. */
type Step = (res: ServerResponse) => void;
const ok: Step = (res) => sendJson(res, 200, { ok: true });
const status =
  (code: number, headers: Record<string, string> = {}): Step =>
  (res) =>
    sendJson(res, code, { error: { code: `Status${code}`, message: `scripted ${code}` } }, headers);
const drop: Step = (res) => res.socket?.destroy();

describe('retry policy against a misbehaving HTTPS server', () => {
  let server: TestServer;
  let script: Step[] = [];
  let restoreTrust: () => void;
  const httpClient = createDefaultHttpClient();

  beforeAll(async () => {
    restoreTrust = trustTestCa();
    server = await startHttpsServer((_req, res) => (script.shift() ?? ok)(res));
  });
  afterAll(async () => {
    await server.close();
    restoreTrust();
  });
  beforeEach(() => {
    server.requests.length = 0;
  });

  function send(steps: Step[], options: Omit<RetryOptions, 'sleep' | 'clock'> = {}, abort?: AbortController) {
    script = [...steps];
    const time = fakeTime(Date.parse('2025-01-01T00:00:00Z'));
    const retries: RetryInfo[] = [];
    const pipeline = createEmptyPipeline();
    pipeline.addPolicy(
      createRetryPolicy({
        random: () => 0.5,
        ...options,
        sleep: async (ms, signal) => {
          if (abort) abort.abort();
          await time.sleep(ms, signal);
        },
        clock: time.clock,
        onRetry: (info) => retries.push(info),
      }),
      { phase: 'Retry' },
    );
    const request = createPipelineRequest({
      url: `${server.url}/subscriptions/s/resourceGroups/rg?api-version=2025-04-01`,
      method: 'GET',
      ...(abort ? { abortSignal: abort.signal } : {}),
    });
    const result = pipeline.sendRequest(httpClient, request);
    return { result, time, retries };
  }

  it('waits as long as Retry-After says (seconds): 429 with Retry-After: 7 asks for 7000 ms', async () => {
    const { result, time, retries } = send([status(429, { 'retry-after': '7' })]);
    expect((await result).status).toBe(200);
    expect(time.sleeps).toEqual([7000]);
    expect(retries).toEqual([
      expect.objectContaining({ attempt: 1, maxRetries: 5, delayMs: 7000, reason: 'HTTP 429', method: 'GET' }),
    ]);
    expect(server.requests).toHaveLength(2);
  });

  it('waits until the HTTP date in Retry-After, measured on the injected clock', async () => {
    const { result, time } = send([status(503, { 'retry-after': 'Wed, 01 Jan 2025 00:00:30 GMT' })]);
    expect((await result).status).toBe(200);
    expect(time.sleeps).toEqual([30_000]);
  });

  it.each([
    ['x-ms-retry-after-ms', '1500', 1500],
    ['retry-after-ms', '250', 250],
  ])('honours %s', async (header, value, expected) => {
    const { result, time } = send([status(429, { [header]: value })]);
    expect((await result).status).toBe(200);
    expect(time.sleeps).toEqual([expected]);
  });

  it('caps a very long Retry-After', async () => {
    const { result, time } = send([status(429, { 'retry-after': '3600' })], { maxRetryAfterMs: 60_000 });
    expect((await result).status).toBe(200);
    expect(time.sleeps).toEqual([60_000]);
  });

  it('retries 503 twice with exponential backoff, then returns the 200', async () => {
    const { result, time, retries } = send([status(503), status(503)], { initialDelayMs: 1000 });
    const response = await result;
    expect(response.status).toBe(200);
    expect(response.bodyAsText).toBe('{"ok":true}');
    expect(time.sleeps).toEqual([1000, 2000]);
    expect(retries.map((r) => r.reason)).toEqual(['HTTP 503', 'HTTP 503']);
    expect(server.requests).toHaveLength(3);
  });

  it('caps the backoff and spreads it with jitter', async () => {
    const steps = [status(500), status(502), status(504), status(408), status(500)];
    const low = send(steps, { initialDelayMs: 1000, maxDelayMs: 5000, random: () => 0 });
    await low.result;
    expect(low.time.sleeps).toEqual([800, 1600, 3200, 4000, 4000]);
    const high = send([status(500), status(500), status(500), status(500)], {
      initialDelayMs: 1000,
      maxDelayMs: 5000,
      random: () => 0.999,
    });
    await high.result;
    expect(high.time.sleeps).toEqual([1200, 2399, 4798, 5000]);
  });

  it('retries a dropped connection, then returns the 200', async () => {
    const { result, retries } = send([drop]);
    expect((await result).status).toBe(200);
    expect(retries).toHaveLength(1);
    expect(retries[0]?.reason).toMatch(/ECONNRESET|socket hang up/);
    expect(server.requests).toHaveLength(2);
  });

  it('gives up on dropped connections after maxRetries and throws the last error', async () => {
    const { result, time } = send([drop, drop, drop, drop], { maxRetries: 3 });
    await expect(result).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(time.sleeps).toHaveLength(3);
    expect(server.requests).toHaveLength(4);
  });

  it('gives up on 503 after maxRetries and returns the last response for the SDK to turn into its error', async () => {
    const { result, time } = send([status(503), status(503), status(503)], { maxRetries: 2 });
    const response: PipelineResponse = await result;
    expect(response.status).toBe(503);
    expect(response.bodyAsText).toContain('scripted 503');
    expect(time.sleeps).toHaveLength(2);
  });

  it.each([400, 401, 403, 404, 409, 501])('does not retry HTTP %i', async (code) => {
    const { result, time } = send([status(code)]);
    expect((await result).status).toBe(code);
    expect(time.sleeps).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });

  it('stops when the request is aborted while waiting, without another request', async () => {
    const abort = new AbortController();
    const { result } = send([status(429, { 'retry-after': '7' }), status(429)], {}, abort);
    await expect(result).rejects.toMatchObject({ name: 'AbortError' });
    expect(server.requests).toHaveLength(1);
  });
});

describe('retryAfterMs', () => {
  const clock = { now: () => Date.parse('2025-01-01T00:00:00Z') };
  const response = (headers: Record<string, string>): PipelineResponse => ({
    status: 429,
    headers: createHttpHeaders(headers),
    request: createPipelineRequest({ url: 'https://x' }),
  });

  it.each<[Record<string, string>, number | undefined]>([
    [{ 'retry-after': '7' }, 7000],
    [{ 'retry-after': '0' }, 0],
    [{ 'retry-after': 'Wed, 01 Jan 2025 00:01:00 GMT' }, 60_000],
    [{ 'retry-after': 'Tue, 31 Dec 2024 23:00:00 GMT' }, 0],
    [{ 'retry-after': 'soon' }, undefined],
    [{ 'x-ms-retry-after-ms': '120', 'retry-after': '7' }, 120],
    [{}, undefined],
  ])('%j → %s ms', (headers, expected) => {
    expect(retryAfterMs(response(headers), clock)).toBe(expected);
  });
});

describe('isRetryableError', () => {
  it.each<[string, boolean, unknown]>([
    ['ECONNRESET', true, { code: 'ECONNRESET', message: 'read ECONNRESET' }],
    ['ECONNREFUSED', true, { code: 'ECONNREFUSED' }],
    ['ETIMEDOUT', true, { code: 'ETIMEDOUT' }],
    ['socket hang up', true, new Error('socket hang up')],
    ['premature close', true, new Error('Premature close')],
    ['a cause that is retryable', true, new Error('fetch failed', { cause: { code: 'ECONNRESET' } })],
    ['an abort', false, Object.assign(new Error('aborted'), { name: 'AbortError', code: 'ECONNRESET' })],
    ['a certificate error', false, { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' }],
    ['a plain error', false, new Error('boom')],
    ['not an object', false, 'ECONNRESET'],
  ])('%s → retry: %s', (_case, expected, error) => {
    expect(isRetryableError(error)).toBe(expected);
  });
});
