// Long-running operations as ARM runs them: the 201/202 answer carries an absolute
// Azure-AsyncOperation URL (status: InProgress → Succeeded/Failed/Canceled) and, where Azure sends
// one, a Location URL (202 while running, then the outcome). The work runs after the configured
// provisioning delay; a fault may make it end Failed.

import { randomUUID } from 'node:crypto';
import type { Faults } from '../faults.js';
import {
  ArmError,
  type ArmErrorDetail,
  type ArmResult,
  type Clock,
  type LongRunningOperation,
  type LongRunningOperations,
  type OperationOutcome,
  type ResourceStore,
} from './contract.js';

export type OperationStatus = 'InProgress' | 'Succeeded' | 'Failed' | 'Canceled';

interface OperationRecord {
  readonly id: string;
  readonly resourceId: string;
  readonly kind: string;
  readonly statusPath: string;
  status: OperationStatus;
  readonly startTime: string;
  endTime?: string;
  error?: ArmErrorDetail;
}

export interface OperationDeps {
  readonly baseUrl: string;
  readonly subscriptionId: string;
  readonly defaultLocation: string;
  readonly store: ResourceStore;
  readonly clock: Clock;
  readonly faults: Faults;
  delayMs(kind: string): number;
  /** api-version written into the status URLs (any is accepted there). */
  apiVersionFor(namespace: string): string;
  log(message: string): void;
}

export class OperationRegistry implements LongRunningOperations {
  readonly #operations = new Map<string, OperationRecord>();
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #running = new Set<Promise<void>>();
  #stopped = false;

  constructor(private readonly deps: OperationDeps) {}

  start(
    resourceId: string,
    kind: string,
    work: () => Promise<OperationOutcome> | OperationOutcome,
  ): LongRunningOperation {
    const id = randomUUID();
    const namespace = namespaceOf(resourceId);
    const location = this.#locationOf(resourceId);
    const statusPath = `/subscriptions/${this.deps.subscriptionId}/providers/${namespace}/locations/${location}/operationStatuses/${id}`;
    const record: OperationRecord = {
      id,
      resourceId,
      kind,
      statusPath,
      status: 'InProgress',
      startTime: new Date(this.deps.clock.now()).toISOString(),
    };
    this.#operations.set(id, record);

    const forcedError = this.deps.faults.takeOperationFailure(kind, resourceId);
    const delay = Math.max(0, this.deps.delayMs(kind));
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      const run = this.#run(record, work, forcedError).finally(() => this.#running.delete(run));
      this.#running.add(run);
    }, delay);
    this.#timers.add(timer);

    const query = `?api-version=${this.deps.apiVersionFor(namespace)}`;
    const statusUrl = `${this.deps.baseUrl}${statusPath}${query}`;
    const resultUrl = `${this.deps.baseUrl}${statusPath.replace('/operationStatuses/', '/operationResults/')}${query}`;
    return operationHandle(id, statusUrl, resultUrl, delay > 0 ? 1 : 0);
  }

  /** GET …/operationStatuses/{id}: the Azure-AsyncOperation status body. */
  status(id: string): ArmResult {
    const op = this.#find(id);
    const body = {
      id: op.statusPath,
      name: op.id,
      status: op.status,
      startTime: op.startTime,
      ...(op.endTime ? { endTime: op.endTime } : {}),
      ...(op.status === 'Succeeded' ? { percentComplete: 100 } : {}),
      ...(op.error ? { error: op.error } : {}),
    };
    return { status: 200, body, headers: op.status === 'InProgress' ? { 'Retry-After': '1' } : {} };
  }

  /** GET …/operationResults/{id}: Location-style polling (202 while running, then the outcome). */
  result(id: string, requestUrl: URL): ArmResult {
    const op = this.#find(id);
    if (op.status === 'InProgress') {
      return { status: 202, headers: { Location: requestUrl.toString(), 'Retry-After': '1' } };
    }
    if (op.status === 'Succeeded') {
      const resource = this.deps.store.get(op.resourceId);
      return resource ? { status: 200, body: resource } : { status: 200 };
    }
    const error = op.error ?? { code: op.status, message: `The operation ${op.status.toLowerCase()}.` };
    return { status: error.code === 'InternalServerError' ? 500 : 400, body: { error: { details: [], ...error } } };
  }

  /** Waits for running work and forgets pending operations (local Azure is stopping). */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    await Promise.allSettled([...this.#running]);
  }

  async #run(
    op: OperationRecord,
    work: () => Promise<OperationOutcome> | OperationOutcome,
    forcedError: ArmErrorDetail | undefined,
  ): Promise<void> {
    if (this.#stopped) return;
    let outcome: OperationOutcome;
    if (forcedError) {
      this.#markFailed(op.resourceId);
      outcome = { status: 'Failed', error: forcedError };
    } else {
      try {
        outcome = await work();
      } catch (error) {
        if (!(error instanceof ArmError))
          this.deps.log(`operation ${op.kind} on ${op.resourceId} threw: ${String(error)}`);
        outcome = {
          status: 'Failed',
          error:
            error instanceof ArmError
              ? error.toBody().error
              : { code: 'InternalServerError', message: 'An internal error occurred while running the operation.' },
        };
      }
    }
    op.status = outcome.status;
    op.endTime = new Date(this.deps.clock.now()).toISOString();
    if (outcome.status !== 'Succeeded') op.error = outcome.error;
  }

  /** A forced failure leaves the resource as Azure would: provisioningState Failed. */
  #markFailed(resourceId: string): void {
    const resource = this.deps.store.get(resourceId);
    // Jobs report failure through `status`; their 2022-10-01 schema has no provisioningState.
    if (!resource || resource.type.toLowerCase().endsWith('/jobs')) return;
    const properties = resource.properties;
    if (properties && typeof properties === 'object' && !Array.isArray(properties)) {
      this.deps.store.put({ ...resource, properties: { ...properties, provisioningState: 'Failed' } });
    }
  }

  #find(id: string): OperationRecord {
    const op = this.#operations.get(id.toLowerCase()) ?? this.#operations.get(id);
    if (!op) throw new ArmError(404, 'OperationNotFound', `The operation '${id}' could not be found.`);
    return op;
  }

  #locationOf(resourceId: string): string {
    // the resource's own location, else its nearest ancestor's (a workspace for its computes), else the default
    const parts = resourceId.split('/');
    for (let end = parts.length; end > 2; end--) {
      const location = this.deps.store.get(parts.slice(0, end).join('/'))?.location;
      if (typeof location === 'string' && location) return location.toLowerCase().replace(/\s+/g, '');
    }
    return this.deps.defaultLocation;
  }
}

/** The provider namespace that owns a resource id ('Microsoft.Resources' for groups and subscriptions). */
export function namespaceOf(resourceId: string): string {
  const parts = resourceId.split('/');
  const index = parts.map((p) => p.toLowerCase()).lastIndexOf('providers');
  return index >= 0 && parts[index + 1] ? parts[index + 1]! : 'Microsoft.Resources';
}

/** What a provider gets back from `operations.start`: the operation's URLs and the headers of its 201/202. */
export function operationHandle(
  id: string,
  statusUrl: string,
  resultUrl: string,
  retryAfterSeconds: number,
): LongRunningOperation {
  return {
    id,
    statusUrl,
    resultUrl,
    headers: (options = {}) => ({
      'Azure-AsyncOperation': statusUrl,
      ...(options.location ? { Location: resultUrl } : {}),
      'Retry-After': String(retryAfterSeconds),
    }),
  };
}
