// Jest-only helpers (import '@arc-ml/test-support/jest' from test files): they define describe
// blocks, so they stay out of the main entry that benchmarks and child processes import.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type InputSource, recordInputSource } from '@arc-ml/actions-kit';
import { describe, expect, it } from '@jest/globals';
import { readActionManifest } from './action-manifest.js';
import { REPO_ROOT } from './run-action-bundle.js';

export interface ActionContractSpec<Settings> {
  readonly action: string;
  /** The inputs the issue lists, each with the default it names (undefined: none). */
  readonly inputs: Readonly<Record<string, string | undefined>>;
  readonly outputs: readonly string[];
  /** When given, exactly these inputs are `required: true`. */
  readonly required?: readonly string[];
  /** Named input sets a step might use; settings must not depend on whether defaults are passed. */
  readonly scenarios: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** More input sets that only help prove every declared input is read. */
  readonly moreInputSets?: readonly Readonly<Record<string, string>>[];
  /** The action's input parsing: settings from an input source. */
  settingsOf(source: InputSource): Settings;
  /** What the README must say besides the input and output rows (permissions, roles). */
  readonly readmeMentions: readonly (string | RegExp)[];
}

/** The action.yml / README / defaults checks every action runs, in one describe block. */
export function describeActionContract<Settings>(spec: ActionContractSpec<Settings>): void {
  const manifest = readActionManifest(spec.action);
  const readme = readFileSync(join(REPO_ROOT, 'actions', spec.action, 'README.md'), 'utf8');

  describe(`${spec.action} action.yml`, () => {
    it('declares every input the issue lists, with its default', () => {
      for (const [name, value] of Object.entries(spec.inputs)) {
        expect([name, name in manifest.inputs, manifest.inputs[name]?.default]).toEqual([name, true, value]);
      }
      if (spec.required) {
        const required = Object.entries(manifest.inputs).flatMap(([name, input]) => (input.required ? [name] : []));
        expect(required.sort()).toEqual([...spec.required].sort());
      }
    });

    it('declares exactly the outputs the issue lists', () => {
      expect([...manifest.outputs].sort()).toEqual([...spec.outputs].sort());
    });

    it.each(Object.entries(spec.scenarios))(
      'gives the same settings whether or not the runner passes the defaults (%s)',
      (_case, inputs) => {
        const bare = spec.settingsOf(recordInputSource(inputs));
        const withDefaults = spec.settingsOf(recordInputSource({ ...manifest.defaults, ...inputs }));
        expect(withDefaults).toEqual(bare);
      },
    );

    it('reads every input it declares, and no other', () => {
      const read = new Set<string>();
      for (const inputs of [...Object.values(spec.scenarios), ...(spec.moreInputSets ?? [])]) {
        const source = recordInputSource({ ...manifest.defaults, ...inputs });
        spec.settingsOf({
          get: (name) => {
            read.add(name);
            return source.get(name);
          },
        });
      }
      expect([...read].sort()).toEqual(Object.keys(manifest.inputs).sort());
    });

    it('is documented input by input and output by output in the README, with the same defaults', () => {
      // A table row whose first cell names the input (one row may document several).
      const rows = readme.split('\n').filter((line) => line.startsWith('|'));
      const rowOf = (name: string) => rows.find((line) => line.split('|')[1]?.includes(`\`${name}\``));
      for (const [name, input] of Object.entries(manifest.inputs)) {
        const row = rowOf(name);
        expect([name, row !== undefined]).toEqual([name, true]);
        if (input.default) expect([name, row]).toEqual([name, expect.stringContaining(`\`${input.default}\``)]);
      }
      for (const name of manifest.outputs) expect([name, rowOf(name) !== undefined]).toEqual([name, true]);
      for (const mention of spec.readmeMentions) {
        if (typeof mention === 'string') expect(readme).toContain(mention);
        else expect(readme).toMatch(mention);
      }
    });
  });
}
