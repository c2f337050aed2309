/**
 * One token request per scope at a time. Every SDK client keeps its own bearer-token policy, so two
 * requests sent in parallel through two clients would each ask the credential, and Entra would be
 * called twice. `withTokenCache()` sits in front of the credential all clients share: concurrent
 * requests for the same scopes wait for one answer, and that token is reused until shortly before
 * it expires (or until Entra's `refreshAfterTimestamp`).
 */
import { AbortError, type AbortSignalLike } from '@azure/abort-controller';
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';
import { type Clock, systemClock } from './time.js';

export interface TokenCacheOptions {
  readonly clock?: Clock;
  /**
   * Ask for a new token this long before the cached one expires; default 5 minutes, as MSAL does (longer
   * than the SDK policies' own 2-minute refresh window, so a policy that refreshes gets a fresh token).
   * A token that lives less than twice this long is reused for half its life.
   */
  readonly refreshBeforeExpiryMs?: number;
}

const defaultRefreshBeforeExpiryMs = 5 * 60_000;

interface CachedToken {
  readonly token: AccessToken;
  readonly reuseUntil: number;
  /** Which request brought it: an answer to an earlier request never replaces a later one's. */
  readonly request: number;
}

const caching = new WeakSet<TokenCredential>();

/**
 * The credential with single-flight caching per scope set (and tenant, and CAE): concurrent `getToken`
 * calls share one request, and its token is handed out until shortly before it expires. A request that
 * carries `claims` (a Conditional Access challenge) always goes to the credential, and its token then
 * replaces the cached one. Failures are not cached. Wrapping a credential this returned gives it back.
 */
export function withTokenCache(credential: TokenCredential, options: TokenCacheOptions = {}): TokenCredential {
  if (caching.has(credential)) return credential;
  const clock = options.clock ?? systemClock;
  const refreshBeforeMs = options.refreshBeforeExpiryMs ?? defaultRefreshBeforeExpiryMs;
  const cache = new Map<string, CachedToken>();
  const inflight = new Map<string, Promise<AccessToken | null>>();
  let requests = 0;

  const request = async (
    key: string,
    scopes: string | string[],
    getTokenOptions: GetTokenOptions | undefined,
  ): Promise<AccessToken | null> => {
    const number = ++requests;
    const token = await credential.getToken(scopes, getTokenOptions);
    const kept = cache.get(key);
    if (token && (!kept || kept.request < number)) {
      cache.set(key, { token, reuseUntil: reuseUntil(token, clock.now(), refreshBeforeMs), request: number });
    }
    return token;
  };

  const cached: TokenCredential = {
    getToken(scopes, getTokenOptions) {
      const key = cacheKey(scopes, getTokenOptions);
      if (getTokenOptions?.claims) return request(key, scopes, getTokenOptions);
      const hit = cache.get(key);
      if (hit && clock.now() < hit.reuseUntil) return Promise.resolve(hit.token);
      let shared = inflight.get(key);
      if (!shared) {
        // One caller giving up must not fail the others: the shared request runs without its signal.
        shared = request(key, scopes, withoutSignal(getTokenOptions)).finally(() => inflight.delete(key));
        inflight.set(key, shared);
      }
      return untilAborted(shared, getTokenOptions?.abortSignal);
    },
  };
  caching.add(cached);
  return cached;
}

/** Scopes in any order, the tenant and CAE make a token; tracing options and signals do not. */
function cacheKey(scopes: string | string[], options: GetTokenOptions | undefined): string {
  const list = (Array.isArray(scopes) ? [...scopes] : [scopes]).sort();
  return JSON.stringify([list, options?.tenantId ?? '', options?.enableCae === true]);
}

function reuseUntil(token: AccessToken, now: number, refreshBeforeMs: number): number {
  const margin = Math.min(refreshBeforeMs, (token.expiresOnTimestamp - now) / 2);
  const beforeExpiry = token.expiresOnTimestamp - margin;
  return token.refreshAfterTimestamp === undefined ? beforeExpiry : Math.min(token.refreshAfterTimestamp, beforeExpiry);
}

function withoutSignal(options: GetTokenOptions | undefined): GetTokenOptions | undefined {
  if (!options?.abortSignal) return options;
  const rest: GetTokenOptions = { ...options };
  delete rest.abortSignal;
  return rest;
}

/** The shared answer, or an AbortError as soon as this caller's signal aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignalLike | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(new AbortError('The token request was aborted.'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new AbortError('The token request was aborted.'));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
