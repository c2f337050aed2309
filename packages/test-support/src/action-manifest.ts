// action.yml is an action's contract with the runner and with its users. These checks keep it,
// the README and the code's defaults in step: the runner passes every action.yml default as if the
// step had set it, so the settings an action derives must not change when it does.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from './run-action-bundle.js';

export interface ActionManifest {
  /** Each input's `required` and `default`, as the runner reads them (strings). */
  readonly inputs: Readonly<Record<string, { readonly required: boolean; readonly default?: string }>>;
  readonly outputs: readonly string[];
  /** Inputs with a non-empty default: what the runner passes when the step leaves them out. */
  readonly defaults: Readonly<Record<string, string>>;
}

export function readActionManifest(action: string): ActionManifest {
  // The failsafe schema reads every scalar as the string the runner sees (`default: 1.0` is "1.0").
  const yml = parse(readFileSync(join(REPO_ROOT, 'actions', action, 'action.yml'), 'utf8'), {
    schema: 'failsafe',
  }) as { inputs?: Record<string, { required?: string; default?: string }>; outputs?: Record<string, unknown> };
  const inputs = Object.fromEntries(
    Object.entries(yml.inputs ?? {}).map(([name, input]) => [
      name,
      { required: input.required === 'true', ...(input.default ? { default: input.default } : {}) },
    ]),
  );
  const defaults = Object.fromEntries(
    Object.entries(inputs).flatMap(([name, input]) => (input.default ? [[name, input.default]] : [])),
  );
  return { inputs, outputs: Object.keys(yml.outputs ?? {}), defaults };
}
