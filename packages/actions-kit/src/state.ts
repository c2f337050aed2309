import * as core from '@actions/core';

/** Strings kept from the main step for the post step (`core.saveState` / `core.getState`). */
export interface StateStore {
  save(name: string, value: string): void;
  /** The saved value, or undefined when nothing was saved. */
  load(name: string): string | undefined;
}

/** A typed state entry, stored as JSON. */
export interface StateKey<T> {
  readonly name: string;
  save(value: T, store?: StateStore): void;
  /** The saved value, or undefined when nothing (or something unreadable) was saved. */
  load(store?: StateStore): T | undefined;
}

/** The StateStore over @actions/core. */
export function actionsStateStore(): StateStore {
  return {
    save: (name, value) => core.saveState(name, value),
    load: (name) => core.getState(name) || undefined,
  };
}

/**
 * Declares a state key once, shared by main and post:
 * `export const JOB_NAME = defineStateKey<string>('job-name');` then `JOB_NAME.save(name)` / `JOB_NAME.load()`.
 * `check` may validate what is loaded (it comes from the environment, not from the type system).
 */
export function defineStateKey<T>(name: string, check?: (value: unknown) => value is T): StateKey<T> {
  return {
    name,
    save(value, store = actionsStateStore()) {
      store.save(name, JSON.stringify(value));
    },
    load(store = actionsStateStore()) {
      const text = store.load(name);
      if (text === undefined) return undefined;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        return undefined;
      }
      if (check && !check(value)) return undefined;
      return value as T;
    },
  };
}
