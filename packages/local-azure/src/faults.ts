// Faults on demand: throttling, 5xx bursts, dropped connections, long-running operations that end
// Failed, slower or faster provisioning. Set from the config file at start and changed at run time
// through `/_admin/faults`.

import type { ArmErrorDetail } from './arm/contract.js';
import type { FaultsConfig } from './config/types.js';

export type ArmFault =
  | { readonly kind: 'drop' }
  | { readonly kind: 'throttle'; readonly retryAfterSeconds: number }
  | { readonly kind: 'serverError'; readonly status: 500 | 503; readonly retryAfterSeconds?: number };

export interface FaultsState {
  readonly faults: FaultsConfig;
  /** How many more times each counted fault fires (null: no limit). */
  readonly remaining: {
    readonly throttle: number | null;
    readonly serverErrors: number;
    readonly dropConnections: number;
    readonly failOperations: number;
  };
}

export class Faults {
  #faults: FaultsConfig = {};
  #throttleLeft = Number.POSITIVE_INFINITY;
  #throttleSeen = 0;
  #serverErrorsLeft = 0;
  #dropsLeft = 0;
  #failuresLeft = 0;

  constructor(initial: FaultsConfig = {}) {
    this.replace(initial);
  }

  /** Replaces every fault (and restarts their counters). */
  replace(faults: FaultsConfig): FaultsState {
    validateFaults(faults);
    this.#faults = structuredClone(faults);
    this.#throttleLeft = faults.throttle?.times ?? Number.POSITIVE_INFINITY;
    this.#throttleSeen = 0;
    this.#serverErrorsLeft = faults.serverErrors?.times ?? 0;
    this.#dropsLeft = faults.dropConnections?.times ?? 0;
    this.#failuresLeft = faults.failOperations ? (faults.failOperations.times ?? 1) : 0;
    return this.state();
  }

  /** Changes the faults named in `patch` and keeps the others (with their counters). */
  merge(patch: FaultsConfig): FaultsState {
    validateFaults(patch);
    const previous = this.state();
    this.replace({ ...this.#faults, ...patch });
    if (!('throttle' in patch)) this.#throttleLeft = previous.remaining.throttle ?? Number.POSITIVE_INFINITY;
    if (!('serverErrors' in patch)) this.#serverErrorsLeft = previous.remaining.serverErrors;
    if (!('dropConnections' in patch)) this.#dropsLeft = previous.remaining.dropConnections;
    if (!('failOperations' in patch)) this.#failuresLeft = previous.remaining.failOperations;
    return this.state();
  }

  state(): FaultsState {
    return {
      faults: structuredClone(this.#faults),
      remaining: {
        throttle: Number.isFinite(this.#throttleLeft) ? this.#throttleLeft : null,
        serverErrors: this.#serverErrorsLeft,
        dropConnections: this.#dropsLeft,
        failOperations: this.#failuresLeft,
      },
    };
  }

  get delayFactor(): number {
    return this.#faults.delayFactor ?? 1;
  }

  /** The fault (if any) the next ARM request to `path` meets; counters move. */
  onArmRequest(path: string): ArmFault | undefined {
    const { dropConnections, serverErrors, throttle } = this.#faults;
    if (dropConnections && this.#dropsLeft > 0 && matches(dropConnections.path, path)) {
      this.#dropsLeft--;
      return { kind: 'drop' };
    }
    if (serverErrors && this.#serverErrorsLeft > 0 && matches(serverErrors.path, path)) {
      this.#serverErrorsLeft--;
      const status = serverErrors.status ?? 500;
      const retryAfter = serverErrors.retryAfterSeconds ?? (status === 503 ? 1 : undefined);
      return { kind: 'serverError', status, ...(retryAfter === undefined ? {} : { retryAfterSeconds: retryAfter }) };
    }
    if (throttle && this.#throttleLeft > 0 && matches(throttle.path, path)) {
      this.#throttleSeen++;
      const every = throttle.everyNth ?? 1;
      if (this.#throttleSeen % every === 0) {
        this.#throttleLeft--;
        return { kind: 'throttle', retryAfterSeconds: throttle.retryAfterSeconds ?? 1 };
      }
    }
    return undefined;
  }

  /** The error a starting long-running operation must end with, when a fault asks for one. */
  takeOperationFailure(kind: string, resourceId: string): ArmErrorDetail | undefined {
    const fault = this.#faults.failOperations;
    if (!fault || this.#failuresLeft <= 0) return undefined;
    if (fault.kind && fault.kind.toLowerCase() !== kind.toLowerCase()) return undefined;
    if (!matches(fault.path, resourceId)) return undefined;
    this.#failuresLeft--;
    return { code: fault.code, message: fault.message };
  }
}

function matches(pattern: string | undefined, path: string): boolean {
  return pattern === undefined || new RegExp(pattern, 'i').test(path);
}

/** Throws an Error naming the first thing wrong with a faults section. */
export function validateFaults(faults: unknown, where = 'faults'): asserts faults is FaultsConfig {
  if (faults === null || typeof faults !== 'object' || Array.isArray(faults)) {
    throw new Error(`${where}: expected an object`);
  }
  const known = ['throttle', 'serverErrors', 'dropConnections', 'failOperations', 'delayFactor'];
  for (const key of Object.keys(faults)) {
    if (!known.includes(key)) throw new Error(`${where}.${key}: unknown fault (known: ${known.join(', ')})`);
  }
  const f = faults as Record<string, Record<string, unknown> | number | undefined>;
  const section = (name: string) => {
    const value = f[name];
    if (value === undefined) return undefined;
    if (value === null || typeof value !== 'object') throw new Error(`${where}.${name}: expected an object`);
    return value;
  };
  const count = (name: string, key: string, value: unknown, required: boolean) => {
    if (value === undefined && !required) return;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
      throw new Error(`${where}.${name}.${key}: expected a whole number ≥ 0`);
    }
  };
  const pattern = (name: string, value: unknown) => {
    if (value === undefined) return;
    if (typeof value !== 'string') throw new Error(`${where}.${name}.path: expected a regular expression string`);
    try {
      new RegExp(value, 'i');
    } catch (error) {
      throw new Error(`${where}.${name}.path: ${(error as Error).message}`);
    }
  };
  const throttle = section('throttle');
  if (throttle) {
    count('throttle', 'times', throttle.times, false);
    count('throttle', 'retryAfterSeconds', throttle.retryAfterSeconds, false);
    if (throttle.everyNth !== undefined) {
      count('throttle', 'everyNth', throttle.everyNth, true);
      if (throttle.everyNth === 0) throw new Error(`${where}.throttle.everyNth: must be 1 or more`);
    }
    pattern('throttle', throttle.path);
    if (throttle.everyNth === undefined && throttle.path === undefined) {
      throw new Error(`${where}.throttle: give everyNth, path, or both`);
    }
  }
  const errors = section('serverErrors');
  if (errors) {
    count('serverErrors', 'times', errors.times, true);
    count('serverErrors', 'retryAfterSeconds', errors.retryAfterSeconds, false);
    if (errors.status !== undefined && errors.status !== 500 && errors.status !== 503) {
      throw new Error(`${where}.serverErrors.status: expected 500 or 503`);
    }
    pattern('serverErrors', errors.path);
  }
  const drops = section('dropConnections');
  if (drops) {
    count('dropConnections', 'times', drops.times, true);
    pattern('dropConnections', drops.path);
  }
  const failures = section('failOperations');
  if (failures) {
    count('failOperations', 'times', failures.times, false);
    pattern('failOperations', failures.path);
    if (typeof failures.code !== 'string' || !failures.code) {
      throw new Error(`${where}.failOperations.code: expected an error code such as "InternalServerError"`);
    }
    if (typeof failures.message !== 'string') throw new Error(`${where}.failOperations.message: expected a string`);
    if (failures.kind !== undefined && typeof failures.kind !== 'string') {
      throw new Error(`${where}.failOperations.kind: expected a string such as "extension"`);
    }
  }
  const factor = f.delayFactor;
  if (factor !== undefined && (typeof factor !== 'number' || !(factor >= 0))) {
    throw new Error(`${where}.delayFactor: expected a number ≥ 0`);
  }
}
