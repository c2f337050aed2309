// action.yml is the contract with the runner: the inputs and outputs issue 4 lists, with its defaults,
// and the runner passes every default as if the step had set it — so the settings must not change when it does.

import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { actionInputs, type InputSource } from '@arc-ml/actions-kit';
import { describeActionContract } from '@arc-ml/test-support/jest';
import { getInputs } from '../src/inputs.js';
import { AKS_ID, INPUTS } from './fake-azure.js';

const WORKSPACE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');

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

describeActionContract({
  action: 'attach-compute',
  inputs: ISSUE_INPUTS,
  outputs: ISSUE_OUTPUTS,
  required: REQUIRED,
  scenarios: SCENARIOS,
  settingsOf,
  readmeMentions: ['id-token: write', /\*\*Contributor\*\*/, /\*\*Reader\*\* on the cluster/],
});
