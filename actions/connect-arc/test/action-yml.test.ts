// action.yml is the contract with the runner: the inputs and outputs issue 4 lists, with its defaults,
// and the runner passes every default as if the step had set it — so the settings must not change when it does.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { actionInputs, type InputSource } from '@arc-ml/actions-kit';
import { selfSigned } from '@arc-ml/test-support';
import { describeActionContract } from '@arc-ml/test-support/jest';
import { afterAll } from '@jest/globals';
import { getInputs } from '../src/inputs.js';
import { BASE_INPUTS, KUBECONFIG } from './fakes.js';

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

describeActionContract({
  action: 'connect-arc',
  inputs: ISSUE_INPUTS,
  outputs: ISSUE_OUTPUTS,
  required: REQUIRED,
  scenarios: SCENARIOS,
  settingsOf,
  readmeMentions: ['id-token: write', /\*\*Reader\*\*/, /\*\*Kubernetes Cluster - Azure Arc Onboarding\*\*/],
});
