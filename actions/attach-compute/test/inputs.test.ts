import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { actionInputs, InputError, recordInputSource, SourceError } from '@arc-ml/actions-kit';
import { describe, expect, it } from '@jest/globals';
import { getInputs } from '../src/inputs.js';
import { ARC_ID, INPUTS, RG, SUB } from './fake-azure.js';

const WORKSPACE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');

function read(inputs: Readonly<Record<string, string>>) {
  return getInputs(actionInputs(recordInputSource(inputs), { workspace: WORKSPACE_DIR }));
}

function without(...names: string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(INPUTS).filter(([name]) => !names.includes(name)));
}

describe('inputs', () => {
  it('reads a typical step, with the defaults filled in', () => {
    const settings = read(INPUTS);
    expect(settings).toMatchObject({
      workspace: { subscriptionId: SUB, resourceGroup: RG, workspaceName: 'mlw-arc' },
      computeName: 'k8s',
      cluster: { kind: 'connected', clusterName: 'arc-k3s', resourceGroup: RG, id: ARC_ID },
      namespace: 'default',
      defaultInstanceType: 'small',
      identity: 'none',
      recreateOnChange: true,
      timeoutMs: 15 * 60_000,
    });
    expect([...settings.instanceTypes.keys()]).toEqual(['small']);
  });

  it('reads instance types from a file in the repository, and an AKS cluster id', () => {
    const settings = read({
      ...INPUTS,
      'cluster-id': ARC_ID.replace(
        'Microsoft.Kubernetes/connectedClusters/arc-k3s',
        'Microsoft.ContainerService/managedClusters/aks-ml',
      ),
      'instance-types': 'test/fixtures/instance-types.yml',
      'default-instance-type': 'cpu-large',
      namespace: 'azureml',
      identity: 'System',
      'recreate-on-change': 'false',
      timeout: '90s',
    });
    expect(settings.cluster).toMatchObject({ kind: 'managed', clusterName: 'aks-ml' });
    expect([...settings.instanceTypes.keys()]).toEqual(['cpu-small', 'cpu-large']);
    expect(settings.instanceTypes.get('cpu-large')?.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux' });
    expect(settings).toMatchObject({
      namespace: 'azureml',
      identity: 'system',
      recreateOnChange: false,
      timeoutMs: 90_000,
    });
  });

  it('leaves instance types and the default to Azure ML when none are given', () => {
    const settings = read(without('instance-types', 'default-instance-type'));
    expect(settings.instanceTypes.size).toBe(0);
    expect(settings.defaultInstanceType).toBeUndefined();
    expect(
      read({ ...without('instance-types'), 'default-instance-type': 'defaultinstancetype' }).defaultInstanceType,
    ).toBe('defaultinstancetype');
    expect(() => read(without('instance-types'))).toThrow(
      'input "default-instance-type": "small" is not one of instance-types (none declared)',
    );
  });

  it.each([
    [
      'a typo in a boolean',
      { 'recreate-on-change': 'ture' },
      /^input "recreate-on-change": "ture" is not a boolean; use true or false$/,
    ],
    ['a missing compute name', { 'compute-name': '' }, /^input "compute-name": a value is required$/],
    ['a missing cluster id', { 'cluster-id': '' }, /^input "cluster-id": a value is required$/],
    [
      'a one-letter compute name',
      { 'compute-name': 'k' },
      /^input "compute-name": "k" is 1 character long; use 2 to 16$/,
    ],
    [
      'a long compute name',
      { 'compute-name': 'arc-k3s-compute-01' },
      /"arc-k3s-compute-01" is 18 characters long; use 2 to 16/,
    ],
    [
      'a compute name starting with a digit',
      { 'compute-name': '8s' },
      /"8s" must be letters, digits and hyphens, starting with a letter/,
    ],
    [
      'a compute name ending with a hyphen',
      { 'compute-name': 'k8s-' },
      /"k8s-" must be .*ending with a letter or digit/,
    ],
    ['an underscore in the compute name', { 'compute-name': 'k8s_gpu' }, /^input "compute-name": "k8s_gpu" must be/],
    [
      'a workspace id as cluster id',
      {
        'cluster-id': `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.MachineLearningServices/workspaces/mlw-arc`,
      },
      /^input "cluster-id": .* not a cluster/,
    ],
    [
      'a cluster name as cluster id',
      { 'cluster-id': 'arc-k3s' },
      /^input "cluster-id": "arc-k3s" is not a valid Azure resource id/,
    ],
    [
      'an upper-case namespace',
      { namespace: 'AzureML' },
      /^input "namespace": "AzureML" must be a Kubernetes namespace/,
    ],
    [
      'a default instance type that is not declared',
      { 'default-instance-type': 'large' },
      /^input "default-instance-type": "large" is not one of instance-types \(small\)$/,
    ],
    ['an unknown identity', { identity: 'user' }, /^input "identity": "user" is not one of none, system$/],
    ['a timeout without unit', { timeout: '15' }, /^input "timeout": "15" has no unit/],
    ['a zero timeout', { timeout: '0' }, /^input "timeout": must be longer than 0/],
    ['a resource group ending with a dot', { 'resource-group': 'rg.' }, /^input "resource-group": "rg\." must be/],
    ['a two-letter workspace name', { workspace: 'ws' }, /^input "workspace": "ws" must be 3 to 33/],
  ])('refuses %s, naming the input', (_case, changes, message) => {
    expect(() => read({ ...INPUTS, ...changes })).toThrow(InputError);
    expect(() => read({ ...INPUTS, ...changes })).toThrow(message);
  });

  it('suggests the right spelling of a default instance type that differs only in case', () => {
    expect(() => read({ ...INPUTS, 'default-instance-type': 'Small' })).toThrow(
      expect.objectContaining({ input: 'default-instance-type', hint: 'names are compared exactly: write "small"' }),
    );
  });

  it('points at the file, line and column of a bad quantity', () => {
    expect(() => read({ ...INPUTS, 'instance-types': 'test/fixtures/bad-quantity.yml' })).toThrow(SourceError);
    expect(() => read({ ...INPUTS, 'instance-types': 'test/fixtures/bad-quantity.yml' })).toThrow(
      /^test\/fixtures\/bad-quantity\.yml:5:12: instance type "cpu-small": requests\.cpu "5OOm" is not a CPU quantity/,
    );
  });

  it('says when an instance-types file is missing', () => {
    expect(() => read({ ...INPUTS, 'instance-types': 'ml/missing.yml' })).toThrow(
      /^input "instance-types": file "ml\/missing\.yml" was not found/,
    );
  });
});
