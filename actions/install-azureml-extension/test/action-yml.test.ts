// action.yml is the contract with the runner: the inputs and outputs issue 4 lists, with its defaults,
// and the runner passes every default as if the step had set it — so the settings must not change when it does.

import { readFileSync } from 'node:fs';
import { actionInputs, type InputSource, recordInputSource } from '@arc-ml/actions-kit';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { getInputs } from '../src/inputs.js';
import { AKS, ARC, ENV, HTTPS } from './support/deps.js';

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

/** Issue 4: the inputs (default, when it names one) and outputs of install-azureml-extension. */
const ISSUE_INPUTS: Record<string, string | undefined> = {
  'client-id': undefined,
  'tenant-id': undefined,
  'subscription-id': undefined,
  environment: 'azurecloud',
  'arm-endpoint': undefined,
  'cluster-id': undefined,
  'resource-group': undefined,
  'cluster-name': undefined,
  'cluster-type': 'connected',
  'extension-name': 'azureml',
  'enable-training': 'true',
  'enable-inference': 'true',
  'allow-insecure-connections': 'false',
  'ssl-cert-pem': undefined,
  'ssl-key-pem': undefined,
  'ssl-cname': undefined,
  'inference-router-service-type': undefined,
  'internal-load-balancer-provider': undefined,
  'inference-router-ha': 'true',
  'install-nvidia-device-plugin': undefined,
  openshift: undefined,
  'release-train': 'stable',
  version: undefined,
  'configuration-settings': undefined,
  timeout: '30m',
};
const ISSUE_OUTPUTS = ['extension-id', 'version', 'provisioning-state', 'changed'];

const INSECURE = {
  'cluster-id': ARC.id,
  'inference-router-service-type': 'LoadBalancer',
  'allow-insecure-connections': 'true',
};
const SCENARIOS: Record<string, Record<string, string>> = {
  'plain HTTP on Arc': INSECURE,
  'HTTPS on AKS': { ...HTTPS, 'cluster-id': AKS.id, 'inference-router-service-type': 'NodePort' },
  'resource-group and cluster-name': {
    'resource-group': ARC.resourceGroup,
    'cluster-name': ARC.clusterName,
    'inference-router-service-type': 'LoadBalancer',
    'allow-insecure-connections': 'true',
  },
  'training only, inference inputs left at their defaults': { 'cluster-id': ARC.id, 'enable-inference': 'false' },
  'a legacy HA setting': { ...INSECURE, 'configuration-settings': 'inferenceLoadBalancerHA=False' },
  'a legacy cluster purpose': { ...INSECURE, 'configuration-settings': 'clusterPurpose=DevTest' },
  'everything set': {
    ...INSECURE,
    'install-nvidia-device-plugin': 'true',
    openshift: 'false',
    version: '1.1.53',
    'release-train': 'preview',
    'configuration-settings': 'installPromOp=False',
  },
};

const NOW = Date.now();
const settingsOf = (source: InputSource) => getInputs(actionInputs(source), ENV, NOW);

describe('action.yml', () => {
  it('declares every input issue 4 lists, with its default', () => {
    for (const [name, value] of Object.entries(ISSUE_INPUTS)) {
      expect([name, actionYml.inputs[name]?.default]).toEqual([name, value]);
    }
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
    for (const inputs of [...Object.values(SCENARIOS), { ...SCENARIOS['HTTPS on AKS'], 'enable-inference': 'false' }]) {
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
    // A table row whose first cell names the input (one row may document several).
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
    expect(readme).toMatch(/Kubernetes Extension Contributor/);
  });
});
