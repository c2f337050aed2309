/**
 * Long-running ARM operations (`begin*` pollers) awaited with the same progress, timeout and abort
 * as `waitFor()`. Works with core-lro v2 pollers (arm-machinelearning, arm-hybridkubernetes,
 * arm-kubernetesconfiguration) and core-lro v3 `PollerLike` (arm-resources 8).
 */
import type { AbortSignalLike } from '@azure/abort-controller';
import { ArmRequestError, explainArmError } from './arm-errors.js';
import type { Clock, Sleep } from './time.js';
import { TimeoutError, WaitAbortedError, waitFor } from './wait-for.js';

/** The parts of a poller's state we read: v3 / simple pollers have `status`, legacy v2 pollers the `is*` flags. */
export interface OperationStateLike {
  readonly status?: string;
  readonly isStarted?: boolean;
  readonly isCompleted?: boolean;
  readonly isCancelled?: boolean;
  readonly error?: Error;
  readonly result?: unknown;
}

type PollOptions = { abortSignal?: AbortSignalLike };

/** core-lro v2 `PollerLike` / `SimplePollerLike`: methods. */
export interface MethodPoller<T> {
  poll(options?: PollOptions): Promise<unknown>;
  pollUntilDone(options?: PollOptions): Promise<T>;
  isDone(): boolean;
  getOperationState(): OperationStateLike;
}

/** core-lro v3 `PollerLike`: properties (and itself a promise, which we never await). */
export interface PropertyPoller<T> {
  poll(options?: PollOptions): Promise<unknown>;
  pollUntilDone(options?: PollOptions): Promise<T>;
  /** Settles once the initial request has been answered. */
  submitted(): Promise<void>;
  readonly isDone: boolean;
  readonly operationState: OperationStateLike | undefined;
}

export type AnyPoller<T> = MethodPoller<T> | PropertyPoller<T>;

export interface WaitForOperationOptions {
  readonly timeoutMs?: number;
  readonly signal?: AbortSignalLike;
  /** Called with the first state and each change: `Running`, `Succeeded`, or a provisioning state when known. */
  readonly onProgress?: (state: string, elapsedMs: number) => void;
  /** Wait between polls; default 5 s, growing to `maxIntervalMs` (default 30 s) while nothing changes. */
  readonly intervalMs?: number;
  readonly maxIntervalMs?: number;
  readonly clock?: Clock;
  readonly sleep?: Sleep;
}

/** The operation ended `Failed` or `Canceled`, or a request failed; message and hint explain the ARM error. */
export class OperationFailedError extends ArmRequestError {}

/**
 * Waits for a long-running operation and returns its result. `label` names it in progress and
 * errors (`attach compute k8s`). On timeout or abort, polling stops; the Azure operation is not
 * canceled and goes on.
 */
export async function waitForOperation<T>(
  label: string,
  pollerOrPromise: AnyPoller<T> | PromiseLike<AnyPoller<T>>,
  options: WaitForOperationOptions = {},
): Promise<T> {
  try {
    // A v3 poller is itself a promise: awaiting it would poll on the SDK's own timer, so look before awaiting.
    const poller = isPoller<T>(pollerOrPromise) ? pollerOrPromise : await pollerOrPromise;
    let first = true;
    await waitFor<undefined>({
      what: label,
      poll: async (signal) => {
        if (first) {
          // The first look is at what the initial request said; polling starts after one interval, as in the SDKs.
          first = false;
          if (typeof (poller as { submitted?: unknown }).submitted === 'function')
            await (poller as PropertyPoller<T>).submitted();
        } else if (!pollerDone(poller)) {
          await poller.poll(signal ? { abortSignal: signal } : {});
        }
        return { state: describeState(pollerState(poller)), done: pollerDone(poller) };
      },
      intervalMs: options.intervalMs ?? 5000,
      maxIntervalMs: options.maxIntervalMs ?? 30_000,
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onProgress ? { onStateChange: options.onProgress } : {}),
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.sleep ? { sleep: options.sleep } : {}),
    });
    // Done: this settles at once with the result, or throws the operation's error.
    return await poller.pollUntilDone(options.signal ? { abortSignal: options.signal } : {});
  } catch (error) {
    if (error instanceof TimeoutError || error instanceof WaitAbortedError) throw error;
    throw new OperationFailedError(explainArmError(error), label, { cause: error });
  }
}

/** `Running`, `Succeeded`, `Failed`, `Canceled`, `NotStarted`, or the resource's provisioning state while running. */
export function describeState(state: OperationStateLike | undefined): string {
  if (!state) return 'NotStarted';
  if (typeof state.status === 'string') {
    const status = state.status.toLowerCase();
    if (status === 'running') return provisioningState(state.result) ?? 'Running';
    return (
      {
        notstarted: 'NotStarted',
        succeeded: 'Succeeded',
        failed: 'Failed',
        canceled: 'Canceled',
        cancelled: 'Canceled',
      }[status] ?? state.status
    );
  }
  if (state.isCancelled) return 'Canceled';
  if (state.isCompleted) return state.error ? 'Failed' : 'Succeeded';
  if (state.isStarted) return provisioningState(state.result) ?? 'Running';
  return 'NotStarted';
}

function provisioningState(result: unknown): string | undefined {
  if (typeof result !== 'object' || result === null) return undefined;
  const r = result as { provisioningState?: unknown; properties?: { provisioningState?: unknown } };
  const value = r.properties?.provisioningState ?? r.provisioningState;
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function isPoller<T>(value: unknown): value is AnyPoller<T> {
  return typeof value === 'object' && value !== null && typeof (value as { poll?: unknown }).poll === 'function';
}

function pollerDone<T>(poller: AnyPoller<T>): boolean {
  return typeof poller.isDone === 'function' ? poller.isDone() : poller.isDone;
}

function pollerState<T>(poller: AnyPoller<T>): OperationStateLike | undefined {
  return 'getOperationState' in poller && typeof poller.getOperationState === 'function'
    ? poller.getOperationState()
    : (poller as PropertyPoller<T>).operationState;
}
