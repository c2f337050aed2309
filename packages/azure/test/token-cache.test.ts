import { AbortError } from '@azure/abort-controller';
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';
import { describe, expect, it } from '@jest/globals';
import { fakeTime } from '../src/testing.js';
import { withTokenCache } from '../src/token-cache.js';

const ARM = 'https://management.azure.com//.default';
const GRAPH = 'https://graph.microsoft.com/.default';
const HOUR = 3_600_000;
const MINUTE = 60_000;

interface Call {
  readonly scopes: string[];
  readonly options: GetTokenOptions | undefined;
  answer(token: Partial<AccessToken> & { token: string }): void;
  fail(error: Error): void;
}

/** A credential that records each request and answers only when the test says so. */
function pendingCredential(now: () => number): TokenCredential & { calls: Call[] } {
  const calls: Call[] = [];
  return {
    calls,
    getToken(scopes, options) {
      return new Promise<AccessToken>((resolve, reject) => {
        calls.push({
          scopes: Array.isArray(scopes) ? scopes : [scopes],
          options,
          answer: (token) => resolve({ expiresOnTimestamp: now() + HOUR, tokenType: 'Bearer', ...token }),
          fail: reject,
        });
      });
    },
  };
}

/** A cached credential in front of a pending one, on a clock that moves only when asked. */
function setup(options: { refreshBeforeExpiryMs?: number } = {}) {
  const time = fakeTime();
  const inner = pendingCredential(time.clock.now);
  return { time, inner, credential: withTokenCache(inner, { clock: time.clock, ...options }) };
}

describe('withTokenCache', () => {
  it('asks the credential once for concurrent requests of the same scopes', async () => {
    const { inner, credential } = setup();

    const first = credential.getToken([ARM]);
    const second = credential.getToken(ARM);
    expect(inner.calls).toHaveLength(1);
    inner.calls[0]!.answer({ token: 'arm-1' });

    expect((await first)?.token).toBe('arm-1');
    expect((await second)?.token).toBe('arm-1');
    expect(inner.calls).toHaveLength(1);
  });

  it('asks separately for other scopes, another tenant or CAE', async () => {
    const { inner, credential } = setup();

    const answers = [
      credential.getToken([ARM]),
      credential.getToken([GRAPH]),
      credential.getToken([ARM], { tenantId: 'other-tenant' }),
      credential.getToken([ARM], { enableCae: true }),
    ];
    expect(inner.calls.map((call) => [call.scopes, call.options?.tenantId, call.options?.enableCae])).toEqual([
      [[ARM], undefined, undefined],
      [[GRAPH], undefined, undefined],
      [[ARM], 'other-tenant', undefined],
      [[ARM], undefined, true],
    ]);
    for (const [i, call] of inner.calls.entries()) call.answer({ token: `t${i}` });
    expect((await Promise.all(answers)).map((t) => t?.token)).toEqual(['t0', 't1', 't2', 't3']);
  });

  it('reuses a token until shortly before it expires, then asks again', async () => {
    const { time, inner, credential } = setup({ refreshBeforeExpiryMs: 5 * MINUTE });

    const first = credential.getToken([ARM]);
    inner.calls[0]!.answer({ token: 'arm-1', expiresOnTimestamp: time.clock.now() + HOUR });
    await first;

    time.advance(HOUR - 5 * MINUTE - 1);
    expect((await credential.getToken([ARM]))?.token).toBe('arm-1');
    expect(inner.calls).toHaveLength(1);

    time.advance(1);
    const renewed = credential.getToken([ARM]);
    expect(inner.calls).toHaveLength(2);
    inner.calls[1]!.answer({ token: 'arm-2' });
    expect((await renewed)?.token).toBe('arm-2');
    expect((await credential.getToken([ARM]))?.token).toBe('arm-2');
    expect(inner.calls).toHaveLength(2);
  });

  it("asks again at Entra's refreshAfterTimestamp when that comes first", async () => {
    const { time, inner, credential } = setup();

    const first = credential.getToken([ARM]);
    inner.calls[0]!.answer({
      token: 'arm-1',
      expiresOnTimestamp: time.clock.now() + 24 * HOUR,
      refreshAfterTimestamp: time.clock.now() + 12 * HOUR,
    });
    await first;

    time.advance(12 * HOUR - 1);
    await credential.getToken([ARM]);
    expect(inner.calls).toHaveLength(1);
    time.advance(1);
    void credential.getToken([ARM]);
    expect(inner.calls).toHaveLength(2);
  });

  it('reuses a short-lived token for half its life', async () => {
    const { time, inner, credential } = setup({ refreshBeforeExpiryMs: 5 * MINUTE });

    const first = credential.getToken([ARM]);
    inner.calls[0]!.answer({ token: 'short', expiresOnTimestamp: time.clock.now() + 4 * MINUTE });
    await first;

    time.advance(2 * MINUTE - 1);
    expect((await credential.getToken([ARM]))?.token).toBe('short');
    time.advance(1);
    void credential.getToken([ARM]);
    expect(inner.calls).toHaveLength(2);
  });

  it('does not keep a failure: every waiting caller gets it, and the next request asks again', async () => {
    const { inner, credential } = setup();

    const first = credential.getToken([ARM]);
    const second = credential.getToken([ARM]);
    inner.calls[0]!.fail(new Error('AADSTS700213: no matching federated identity record'));
    await expect(first).rejects.toThrow(/AADSTS700213/);
    await expect(second).rejects.toThrow(/AADSTS700213/);

    const retry = credential.getToken([ARM]);
    expect(inner.calls).toHaveLength(2);
    inner.calls[1]!.answer({ token: 'arm-1' });
    expect((await retry)?.token).toBe('arm-1');
  });

  it('sends a claims challenge to the credential and keeps the token it gets', async () => {
    const { inner, credential } = setup();

    const first = credential.getToken([ARM]);
    inner.calls[0]!.answer({ token: 'arm-1' });
    await first;

    const challenged = credential.getToken([ARM], { claims: '{"access_token":{"nbf":{"essential":true}}}' });
    expect(inner.calls).toHaveLength(2);
    expect(inner.calls[1]!.options?.claims).toContain('nbf');
    inner.calls[1]!.answer({ token: 'arm-after-challenge' });
    expect((await challenged)?.token).toBe('arm-after-challenge');
    expect((await credential.getToken([ARM]))?.token).toBe('arm-after-challenge');
    expect(inner.calls).toHaveLength(2);
  });

  it('keeps the token of a claims challenge when an earlier request answers after it', async () => {
    const { inner, credential } = setup();

    const earlier = credential.getToken([ARM]);
    const challenged = credential.getToken([ARM], { claims: '{"access_token":{"nbf":{"essential":true}}}' });
    inner.calls[1]!.answer({ token: 'arm-after-challenge' });
    await challenged;
    inner.calls[0]!.answer({ token: 'arm-before-challenge' });
    expect((await earlier)?.token).toBe('arm-before-challenge');

    expect((await credential.getToken([ARM]))?.token).toBe('arm-after-challenge');
    expect(inner.calls).toHaveLength(2);
  });

  it('lets one caller give up without failing the others that share its request', async () => {
    const { inner, credential } = setup();
    const abort = new AbortController();

    const impatient = credential.getToken([ARM], { abortSignal: abort.signal });
    const patient = credential.getToken([ARM]);
    expect(inner.calls[0]!.options?.abortSignal).toBeUndefined();
    abort.abort();
    await expect(impatient).rejects.toBeInstanceOf(AbortError);

    inner.calls[0]!.answer({ token: 'arm-1' });
    expect((await patient)?.token).toBe('arm-1');
    expect(inner.calls).toHaveLength(1);
  });

  it('wraps once', () => {
    const inner = pendingCredential(() => 0);
    const credential = withTokenCache(inner);
    expect(withTokenCache(credential)).toBe(credential);
  });
});
