// action.yml is the contract with the runner: the inputs and outputs issue 4 lists, with its defaults,
// and the runner passes every default as if the step had set it — so the settings must not change when it does.

import { actionInputs, type InputSource } from '@arc-ml/actions-kit';
import { describeActionContract } from '@arc-ml/test-support/jest';
import { getInputs } from '../src/inputs.js';
import { AKS, ARC, ENV, HTTPS } from './support/deps.js';

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

describeActionContract({
  action: 'install-azureml-extension',
  inputs: ISSUE_INPUTS,
  outputs: ISSUE_OUTPUTS,
  scenarios: SCENARIOS,
  moreInputSets: [{ ...SCENARIOS['HTTPS on AKS'], 'enable-inference': 'false' }],
  settingsOf,
  readmeMentions: ['id-token: write', /Kubernetes Extension Contributor/],
});
