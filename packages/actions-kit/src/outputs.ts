import * as core from '@actions/core';

/** A value an action can publish: objects and arrays become JSON; undefined and null are not set. */
export type OutputValue =
  | string
  | number
  | boolean
  | null
  | undefined
  | readonly unknown[]
  | { readonly [key: string]: unknown };

export interface Outputs {
  set(values: Readonly<Record<string, OutputValue>>): void;
}

/** The text GitHub will see for a value, or undefined when it should not be set at all. */
export function formatOutput(value: OutputValue): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** Outputs over `core.setOutput`. */
export function actionsOutputs(): Outputs {
  return {
    set(values) {
      for (const [name, value] of Object.entries(values)) {
        const text = formatOutput(value);
        if (text !== undefined) core.setOutput(name, text);
      }
    },
  };
}
