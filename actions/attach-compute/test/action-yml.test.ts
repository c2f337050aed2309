// action.yml is the contract with the runner: the inputs and outputs issue 4 lists, with its defaults,
// and the runner passes every default as if the step had set it — so the settings must not change when it does.

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { actionInputs, type InputSource, recordInputSource } from '@arc-ml/actions-kit';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { getInputs } from '../src/inputs.js';
import { AKS_ID, INPUTS } from './fake-azure.js';

interface ActionYml {
  inputs: Record<string, { required?: boolean; default?: string }>;
  outputs: Record<string, unknown>;
}
const WORKSPACE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
const actionYml = parse(readFileSync(join(WORKSPACE_DIR, 'action.yml'), 'utf8')) as ActionYml;
const readme = readFileSync(join(WORKSPACE_DIR, 'README.md'), 'utf8');
const defaults = Object.fromEntries(
  Object.entries(actionYml.inputs).flatMap(([name, input]) =>
    input.default === undefined ? [] : [[name, input.default]],
  ),
);

/** Issue 4: the inputs (default, when it names one; "" is no default) and outputs of attach-compute. */
const ISSUE_INPUTS: Record<string, string | undefined> = {
  'client-id': undefined,
  'tenant-id': undefined,
  'subscription-id': undefined,
  environment: 'azurecloud',
  'arm-endpoint': undefined,
  'resource-group': undefined,
  workspace: undefined,
  'compute-name': undefined,
  'cluster-id': undefined,
  namespace: 'default',
  'instance-types': undefined,
  'default-instance-type': undefined,
  identity: 'none',
  'recreate-on-change': 'true',
  timeout: '15m',
};
const ISSUE_OUTPUTS = ['compute-id', 'changed'];
const REQUIRED = ['resource-group', 'workspace', 'compute-name', 'cluster-id'];

const SCENARIOS: Record<string, Record<string, string>> = {
  'a typical step': INPUTS,
  "Azure ML's default instance type only": { ...INPUTS, 'instance-types': '', 'default-instance-type': '' },
  'an instance-types file and every option': {
    ...INPUTS,
    'cluster-id': AKS_ID,
    'instance-types': 'test/fixtures/instance-types.yml',
    'default-instance-type': '',
    namespace: 'azureml',
    identity: 'system',
    'recreate-on-change': 'false',
    timeout: '90s',
  },
};

const settingsOf = (source: InputSource) => getInputs(actionInputs(source, { workspace: WORKSPACE_DIR }));

describe('action.yml', () => {
  it('declares every input issue 4 lists, with its default, and requires the ones without a default', () => {
    for (const [name, value] of Object.entries(ISSUE_INPUTS)) {
      expect([name, actionYml.inputs[name]?.default || undefined]).toEqual([name, value]);
    }
    const required = Object.entries(actionYml.inputs).flatMap(([name, input]) => (input.required ? [name] : []));
    expect(required.sort()).toEqual([...REQUIRED].sort());
  });

  it('declares exactly the outputs issue 4 lists', () => {
    expect(Object.keys(actionYml.outputs).sort()).toEqual([...ISSUE_OUTPUTS].sort());
  });

  it.each(Object.entries(SCENARIOS))(
    'gives the same settings whether or not the runner passes the defaults (%s)',
    (_case, inputs) => {
      const bare = settingsOf(recordInputSource(inputs));
      const withDefaults = settingsOf(recordInputSource({ ...defaults, ...inputs }));

      expect(withDefaults).toEqual(bare);
    },
  );

  it('reads every input it declares, and no other', () => {
    const read = new Set<string>();
    for (const inputs of Object.values(SCENARIOS)) {
      const source = recordInputSource({ ...defaults, ...inputs });
      settingsOf({
        get: (name) => {
          read.add(name);
          return source.get(name);
        },
      });
    }
    expect([...read].sort()).toEqual(Object.keys(actionYml.inputs).sort());
  });

  it('is documented input by input and output by output in the README, with the same defaults', () => {
    // A table row whose first cell names the input.
    const rows = readme.split('\n').filter((line) => line.startsWith('|'));
    const rowOf = (name: string) => rows.find((line) => line.split('|')[1]?.includes(`\`${name}\``));
    for (const [name, input] of Object.entries(actionYml.inputs)) {
      const row = rowOf(name);
      expect([name, row !== undefined]).toEqual([name, true]);
      if (input.default) expect([name, row]).toEqual([name, expect.stringContaining(`\`${input.default}\``)]);
    }
    for (const name of Object.keys(actionYml.outputs)) {
      expect([name, rowOf(name) !== undefined]).toEqual([name, true]);
    }
    expect(readme).toContain('id-token: write');
    expect(readme).toMatch(/\*\*Contributor\*\*/);
    expect(readme).toMatch(/\*\*Reader\*\* on the cluster/);
  });
});
