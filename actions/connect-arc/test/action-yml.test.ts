// action.yml is the contract with the runner: the inputs and outputs issue 4 lists, with its defaults,
// and the runner passes every default as if the step had set it — so the settings must not change when it does.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { actionInputs, type InputSource, recordInputSource } from '@arc-ml/actions-kit';
import { selfSigned } from '@arc-ml/test-support';
import { afterAll, describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { getInputs } from '../src/inputs.js';
import { BASE_INPUTS, KUBECONFIG } from './fakes.js';

interface ActionYml {
  inputs: Record<string, { required?: boolean; default?: string }>;
  outputs: Record<string, unknown>;
}
const actionYml = parse(readFileSync(new URL('../action.yml', import.meta.url), 'utf8')) as ActionYml;
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const defaults = Object.fromEntries(
  Object.entries(actionYml.inputs).flatMap(([name, input]) =>
    input.default === undefined ? [] : [[name, input.default]],
  ),
);

/** Issue 4: the inputs (default, when it names one) and outputs of connect-arc. */
const ISSUE_INPUTS: Record<string, string | undefined> = {
  'client-id': undefined,
  'tenant-id': undefined,
  'subscription-id': undefined,
  environment: 'azurecloud',
  'arm-endpoint': undefined,
  'resource-group': undefined,
  'cluster-name': undefined,
  'cluster-type': 'auto',
  location: undefined,
  onboard: 'false',
  kubeconfig: undefined,
  distribution: undefined,
  infrastructure: undefined,
  'https-proxy': undefined,
  'no-proxy': undefined,
  'proxy-cert': undefined,
  tags: undefined,
  timeout: '20m',
};
const ISSUE_OUTPUTS = [
  'cluster-id',
  'cluster-type',
  'connectivity-status',
  'kubernetes-version',
  'agent-version',
  'changed',
];
const REQUIRED = ['resource-group', 'cluster-name'];

const workspace = mkdtempSync(join(tmpdir(), 'connect-arc-action-yml-'));
afterAll(() => rmSync(workspace, { recursive: true, force: true }));
writeFileSync(join(workspace, 'proxy-ca.pem'), selfSigned('proxy-ca', { days: 1 }).certPem);

const SCENARIOS: Record<string, Record<string, string>> = {
  'an onboarded cluster': BASE_INPUTS,
  AKS: { ...BASE_INPUTS, 'cluster-type': 'aks' },
  'onboarding with every option': {
    ...BASE_INPUTS,
    'cluster-type': 'connected',
    onboard: 'true',
    kubeconfig: KUBECONFIG,
    location: 'West Europe',
    distribution: 'k3s',
    infrastructure: 'generic',
    'https-proxy': 'http://proxy.contoso.com:3128',
    'no-proxy': 'localhost,10.0.0.0/8',
    'proxy-cert': 'proxy-ca.pem',
    tags: 'env=prod',
    timeout: '5m',
  },
  'onboarding-only inputs on an onboarded cluster': { ...BASE_INPUTS, distribution: 'k3s', kubeconfig: KUBECONFIG },
};

const settingsOf = (source: InputSource) =>
  getInputs(actionInputs(source, { workspace }), { GITHUB_WORKSPACE: workspace });

describe('action.yml', () => {
  it('declares every input issue 4 lists, with its default, and requires only the resource group and name', () => {
    for (const [name, value] of Object.entries(ISSUE_INPUTS)) {
      expect([name, actionYml.inputs[name]?.default]).toEqual([name, value]);
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
    expect(readme).toMatch(/\*\*Reader\*\*/);
    expect(readme).toMatch(/\*\*Kubernetes Cluster - Azure Arc Onboarding\*\*/);
  });
});
