// A test context for resource providers: what the front door gives a provider (store, clock,
// long-running operations, config, delays), as small fakes a unit test can steer, and a
// `dispatch` that matches route templates the way the front door does. Shared by every
// provider's unit tests; keep the API stable.

import { randomUUID } from 'node:crypto';
import {
  ArmError,
  type ArmRequest,
  type ArmResult,
  type BlobStorage,
  type Caller,
  type Clock,
  type HttpMethod,
  type LongRunningOperation,
  type LongRunningOperations,
  type OperationOutcome,
  type ProviderContext,
  type ResourceProvider,
  type ResourceStore,
  type Route,
} from '../arm/contract.js';
import { MemoryResourceStore } from '../arm/memory-store.js';
import { operationHandle } from '../arm/operations.js';
import { DEFAULT_CONFIG } from '../config/default-config.js';
import type { LocalAzureConfig } from '../config/types.js';

/** A clock that only moves when the test moves it. */
export class FakeClock implements Clock {
  #now: number;

  constructor(start = Date.parse('2025-01-15T10:00:00.000Z')) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  advance(ms: number): void {
    this.#now += ms;
  }

  set(time: number | Date): void {
    this.#now = typeof time === 'number' ? time : time.getTime();
  }
}

/** One operation a provider started, as the fake records it. */
export interface RecordedOperation {
  readonly id: string;
  readonly resourceId: string;
  readonly kind: string;
  readonly statusUrl: string;
  readonly resultUrl: string;
  /** 'InProgress' until its work ran; then the outcome's status. */
  readonly status: 'InProgress' | OperationOutcome['status'];
  readonly outcome?: OperationOutcome;
}

/**
 * Long-running operations that never wait: `start` queues the work and the test runs it with
 * `runPending()` (or `dispatch` does after the handler answered, in 'immediate' mode). Work runs
 * after the handler returns, as it does behind the real front door. `failNext` plays the fault
 * that makes the next operation end Failed: as with the real fault, its work does not run and the
 * resource's provisioningState becomes Failed.
 */
export class FakeOperations implements LongRunningOperations {
  readonly #baseUrl: string;
  readonly #store: ResourceStore;
  readonly #records: RecordedOperation[] = [];
  readonly #pending: { index: number; work: () => Promise<OperationOutcome> | OperationOutcome }[] = [];
  #forcedFailure: OperationOutcome | undefined;

  constructor(baseUrl: string, store: ResourceStore) {
    this.#baseUrl = baseUrl;
    this.#store = store;
  }

  start(
    resourceId: string,
    kind: string,
    work: () => Promise<OperationOutcome> | OperationOutcome,
  ): LongRunningOperation {
    const id = randomUUID();
    const statusUrl = `${this.#baseUrl}/providers/LocalAzure/operationStatuses/${id}?api-version=2024-01-01`;
    const resultUrl = `${this.#baseUrl}/providers/LocalAzure/operationResults/${id}?api-version=2024-01-01`;
    this.#records.push({ id, resourceId, kind, statusUrl, resultUrl, status: 'InProgress' });
    this.#pending.push({ index: this.#records.length - 1, work });
    return operationHandle(id, statusUrl, resultUrl, 0);
  }

  /** Every operation started so far, oldest first. */
  get all(): readonly RecordedOperation[] {
    return [...this.#records];
  }

  /** The most recent operation, if any. */
  get last(): RecordedOperation | undefined {
    return this.#records.at(-1);
  }

  get pendingCount(): number {
    return this.#pending.length;
  }

  /** The next operation to run ends Failed with this error, without running its work. */
  failNext(error: { code: string; message: string }): void {
    this.#forcedFailure = { status: 'Failed', error };
  }

  /** Runs every queued work (including work queued while running), in start order. */
  async runPending(): Promise<void> {
    while (this.#pending.length > 0) {
      const next = this.#pending.shift()!;
      const record = this.#records[next.index]!;
      let outcome: OperationOutcome;
      if (this.#forcedFailure) {
        outcome = this.#forcedFailure;
        this.#forcedFailure = undefined;
        this.#markFailed(record.resourceId);
      } else {
        try {
          outcome = await next.work();
        } catch (error) {
          const detail =
            error instanceof ArmError
              ? { code: error.code, message: error.message }
              : { code: 'InternalServerError', message: String(error) };
          outcome = { status: 'Failed', error: detail };
        }
      }
      this.#records[next.index] = { ...record, status: outcome.status, outcome };
    }
  }

  #markFailed(resourceId: string): void {
    const resource = this.#store.get(resourceId);
    const properties = resource?.['properties'];
    if (resource && typeof properties === 'object' && properties !== null && !Array.isArray(properties)) {
      this.#store.put({ ...resource, properties: { ...properties, provisioningState: 'Failed' } });
    }
  }
}

export interface TestContextOptions {
  /** Defaults to DEFAULT_CONFIG. */
  readonly config?: LocalAzureConfig;
  /** Provisioning delays per kind; a kind not listed waits 0 ms (the config's delays are ignored). */
  readonly delays?: Readonly<Record<string, number>>;
  /** Start time of the fake clock (ms since epoch). */
  readonly now?: number;
  readonly baseUrl?: string;
  /**
   * 'immediate' (default): `dispatch` runs queued operation work right after the handler answers.
   * 'manual': work runs only when the test calls `ctx.operations.runPending()`.
   */
  readonly lro?: 'immediate' | 'manual';
  /** Providers whose `seed` runs on the new context (resource groups from the config are always stored). */
  readonly providers?: readonly ResourceProvider[];
  /** Defaults to Azurite's well-known development account on 127.0.0.1:10000 (nothing is started). */
  readonly storage?: BlobStorage;
}

/** Azurite's documented development account. */
export const DEV_STORAGE: BlobStorage = {
  blobEndpoint: 'https://127.0.0.1:10000/devstoreaccount1',
  accountName: 'devstoreaccount1',
  accountKey: 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==',
};

export interface TestContext extends ProviderContext {
  readonly store: MemoryResourceStore;
  readonly operations: FakeOperations;
  readonly clock: FakeClock;
  readonly lro: 'immediate' | 'manual';
  /** The caller `dispatch` uses unless told otherwise: the config's first app. */
  readonly caller: Caller;
}

export function createTestContext(options: TestContextOptions = {}): TestContext {
  const config = options.config ?? DEFAULT_CONFIG;
  const baseUrl = options.baseUrl ?? 'https://localhost:8443';
  const delays = options.delays ?? {};
  const app = config.apps[0];
  const store = new MemoryResourceStore();
  const ctx: TestContext = {
    store,
    operations: new FakeOperations(baseUrl, store),
    clock: new FakeClock(options.now),
    config,
    baseUrl,
    lro: options.lro ?? 'immediate',
    caller: {
      clientId: app?.clientId ?? '11111111-0000-4000-8000-000000000000',
      objectId: app?.objectId ?? '22222222-0000-4000-8000-000000000000',
      tenantId: config.tenantId,
    },
    delayMs: (kind) => delays[kind] ?? 0,
    storage: options.storage ?? DEV_STORAGE,
  };
  for (const group of config.resourceGroups) {
    ctx.store.put({
      id: `/subscriptions/${config.subscriptionId}/resourceGroups/${group.name}`,
      name: group.name,
      type: 'Microsoft.Resources/resourceGroups',
      location: group.location ?? config.location,
      properties: { provisioningState: 'Succeeded' },
    });
  }
  for (const provider of options.providers ?? []) provider.seed?.(ctx);
  return ctx;
}

export interface DispatchOptions {
  readonly ctx: TestContext;
  readonly body?: unknown;
  /** Defaults to the `api-version` in the path's query, else the matched route's first api-version. */
  readonly apiVersion?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly caller?: Caller;
}

/** What `dispatch` answers: the provider's result, or an ArmError turned into ARM's error body. */
export interface DispatchResult extends ArmResult {
  /** The route that served the request, when one matched. */
  readonly route?: Route;
}

/**
 * Serves one request the way the front door would, minus auth and faults: matches the path
 * (query string allowed) against every provider's route templates, case-insensitively per
 * segment, preferring the template with the most literal segments; checks the api-version;
 * calls the handler; turns a thrown ArmError into its status and body; then, in 'immediate'
 * mode, runs the operation work the handler queued.
 */
export async function dispatch(
  providers: readonly ResourceProvider[],
  method: HttpMethod,
  path: string,
  options: DispatchOptions,
): Promise<DispatchResult> {
  const { ctx } = options;
  const url = new URL(path, ctx.baseUrl);
  const matches = providers
    .flatMap((provider) => provider.routes)
    .filter((route) => route.method === method)
    .map((route) => ({ route, params: matchTemplate(route.path, url.pathname) }))
    .filter((m): m is { route: Route; params: Record<string, string> } => m.params !== undefined)
    .sort((a, b) => literalCount(b.route.path) - literalCount(a.route.path));
  const match = matches[0];
  if (!match) {
    const error = new ArmError(404, 'NoRouteMatched', `No route matched ${method} ${url.pathname}.`);
    return { status: 404, body: error.toBody() };
  }
  const apiVersion = options.apiVersion ?? url.searchParams.get('api-version') ?? match.route.apiVersions[0] ?? '';
  if (!match.route.apiVersions.includes(apiVersion)) {
    const error = new ArmError(
      400,
      'InvalidApiVersionParameter',
      `The api-version '${apiVersion}' is invalid. The supported versions are '${match.route.apiVersions.join(',')}'.`,
    );
    return { status: 400, body: error.toBody(), route: match.route };
  }
  if (!url.searchParams.has('api-version')) url.searchParams.set('api-version', apiVersion);
  const req: ArmRequest = {
    method,
    url,
    params: match.params,
    query: url.searchParams,
    headers: Object.fromEntries(Object.entries(options.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
    body: options.body,
    caller: options.caller ?? ctx.caller,
    apiVersion,
  };
  let result: ArmResult;
  try {
    result = await match.route.handle(req, ctx);
  } catch (error) {
    if (!(error instanceof ArmError)) throw error;
    return { status: error.status, body: error.toBody(), route: match.route };
  }
  if (ctx.lro === 'immediate') await ctx.operations.runPending();
  return { ...result, route: match.route };
}

/** Serves one `/_admin` request: `path` is below /_admin (e.g. '/clusters/arc-k3s/agents'). */
export async function dispatchAdmin(
  providers: readonly ResourceProvider[],
  method: HttpMethod,
  path: string,
  options: { readonly ctx: TestContext; readonly body?: unknown },
): Promise<DispatchResult> {
  const pathname = new URL(path, options.ctx.baseUrl).pathname;
  const match = providers
    .flatMap((provider) => provider.admin ?? [])
    .filter((route) => route.method === method)
    .map((route) => ({ route, params: matchTemplate(route.path, pathname) }))
    .find((m) => m.params !== undefined);
  if (!match?.params) {
    return { status: 404, body: new ArmError(404, 'NoRouteMatched', `No admin route ${method} ${pathname}.`).toBody() };
  }
  try {
    const result = await match.route.handle(match.params, options.body, options.ctx);
    if (options.ctx.lro === 'immediate') await options.ctx.operations.runPending();
    return result;
  } catch (error) {
    if (!(error instanceof ArmError)) throw error;
    return { status: error.status, body: error.toBody() };
  }
}

/** Matches '/a/{x}/b' against '/A/1/b' → { x: '1' }; literal segments compare case-insensitively. */
export function matchTemplate(template: string, pathname: string): Record<string, string> | undefined {
  const want = template.split('/').filter(Boolean);
  const got = pathname.split('/').filter(Boolean);
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, segment] of want.entries()) {
    const actual = got[i]!;
    const name = /^\{(.+)\}$/.exec(segment)?.[1];
    if (name !== undefined) params[name] = decodeURIComponent(actual);
    else if (segment.toLowerCase() !== decodeURIComponent(actual).toLowerCase()) return undefined;
  }
  return params;
}

function literalCount(template: string): number {
  return template.split('/').filter((segment) => segment && !segment.startsWith('{')).length;
}
