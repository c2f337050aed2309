import { describe, expect, it } from '@jest/globals';
import {
  batchDeploymentId,
  batchEndpointId,
  clusterExtensionArgs,
  clusterExtensionId,
  codeContainerId,
  codeVersionId,
  computeId,
  connectedClusterId,
  dataContainerId,
  datastoreId,
  dataVersionId,
  environmentContainerId,
  environmentVersionId,
  formatResourceId,
  InvalidResourceIdError,
  isResourceType,
  jobId,
  managedClusterId,
  modelContainerId,
  modelVersionId,
  onlineDeploymentId,
  onlineEndpointId,
  parentResourceId,
  parseClusterId,
  parseResourceId,
  parseWorkspaceId,
  resourceGroupId,
  resourceGroupNameRule,
  sameResourceId,
  subscriptionResourceId,
  type WorkspaceRef,
  workspaceId,
} from '../src/resource-id.js';

const SUB = '00000000-0000-0000-0000-000000000001';
const WS: WorkspaceRef = { subscriptionId: SUB, resourceGroup: 'ml-rg', workspaceName: 'ws' };
const RG = `/subscriptions/${SUB}/resourceGroups/ml-rg`;
const WSID = `${RG}/providers/Microsoft.MachineLearningServices/workspaces/ws`;
const ARC = `${RG}/providers/Microsoft.Kubernetes/connectedClusters/arc1`;

describe('typed builders', () => {
  it.each<[string, string, string, string]>([
    ['subscription', subscriptionResourceId(SUB), `/subscriptions/${SUB}`, ''],
    ['resource group', resourceGroupId(SUB, 'ml-rg'), RG, ''],
    ['connected cluster', connectedClusterId(SUB, 'ml-rg', 'arc1'), ARC, 'Microsoft.Kubernetes/connectedClusters'],
    [
      'managed cluster',
      managedClusterId(SUB, 'ml-rg', 'aks1'),
      `${RG}/providers/Microsoft.ContainerService/managedClusters/aks1`,
      'Microsoft.ContainerService/managedClusters',
    ],
    [
      'cluster extension',
      clusterExtensionId(ARC, 'azureml'),
      `${ARC}/providers/Microsoft.KubernetesConfiguration/extensions/azureml`,
      'Microsoft.KubernetesConfiguration/extensions',
    ],
    ['workspace', workspaceId(WS), WSID, 'Microsoft.MachineLearningServices/workspaces'],
    ['compute', computeId(WS, 'k8s'), `${WSID}/computes/k8s`, 'Microsoft.MachineLearningServices/workspaces/computes'],
    [
      'datastore',
      datastoreId(WS, 'workspaceblobstore'),
      `${WSID}/datastores/workspaceblobstore`,
      'Microsoft.MachineLearningServices/workspaces/datastores',
    ],
    [
      'code container',
      codeContainerId(WS, 'src'),
      `${WSID}/codes/src`,
      'Microsoft.MachineLearningServices/workspaces/codes',
    ],
    [
      'code version',
      codeVersionId(WS, 'src', '1'),
      `${WSID}/codes/src/versions/1`,
      'Microsoft.MachineLearningServices/workspaces/codes/versions',
    ],
    [
      'environment container',
      environmentContainerId(WS, 'sklearn'),
      `${WSID}/environments/sklearn`,
      'Microsoft.MachineLearningServices/workspaces/environments',
    ],
    [
      'environment version',
      environmentVersionId(WS, 'sklearn', '3'),
      `${WSID}/environments/sklearn/versions/3`,
      'Microsoft.MachineLearningServices/workspaces/environments/versions',
    ],
    [
      'data container',
      dataContainerId(WS, 'mnist'),
      `${WSID}/data/mnist`,
      'Microsoft.MachineLearningServices/workspaces/data',
    ],
    [
      'data version',
      dataVersionId(WS, 'mnist', '2'),
      `${WSID}/data/mnist/versions/2`,
      'Microsoft.MachineLearningServices/workspaces/data/versions',
    ],
    [
      'model container',
      modelContainerId(WS, 'mnist-model'),
      `${WSID}/models/mnist-model`,
      'Microsoft.MachineLearningServices/workspaces/models',
    ],
    [
      'model version',
      modelVersionId(WS, 'mnist-model', '7'),
      `${WSID}/models/mnist-model/versions/7`,
      'Microsoft.MachineLearningServices/workspaces/models/versions',
    ],
    ['job', jobId(WS, 'train-42'), `${WSID}/jobs/train-42`, 'Microsoft.MachineLearningServices/workspaces/jobs'],
    [
      'online endpoint',
      onlineEndpointId(WS, 'mnist'),
      `${WSID}/onlineEndpoints/mnist`,
      'Microsoft.MachineLearningServices/workspaces/onlineEndpoints',
    ],
    [
      'online deployment',
      onlineDeploymentId(WS, 'mnist', 'blue'),
      `${WSID}/onlineEndpoints/mnist/deployments/blue`,
      'Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments',
    ],
    [
      'batch endpoint',
      batchEndpointId(WS, 'score'),
      `${WSID}/batchEndpoints/score`,
      'Microsoft.MachineLearningServices/workspaces/batchEndpoints',
    ],
    [
      'batch deployment',
      batchDeploymentId(WS, 'score', 'v1'),
      `${WSID}/batchEndpoints/score/deployments/v1`,
      'Microsoft.MachineLearningServices/workspaces/batchEndpoints/deployments',
    ],
  ])('%s', (_kind, built, expected, type) => {
    expect(built).toBe(expected);
    const parsed = parseResourceId(built);
    expect(parsed.resourceType ?? '').toBe(type);
    // Formatting what was parsed gives the same id back.
    expect(formatResourceId(parsed)).toBe(expected);
  });

  it.each([
    ['an empty name', () => computeId(WS, '')],
    ['a name with a slash', () => jobId(WS, 'a/b')],
  ])('refuses %s', (_case, build) => {
    expect(build).toThrow(InvalidResourceIdError);
  });
});

describe('parseResourceId', () => {
  it('parses case-insensitively and keeps the casing it was given', () => {
    const id = `/SUBSCRIPTIONS/${SUB}/resourcegroups/ML-RG/PROVIDERS/microsoft.kubernetes/connectedclusters/Arc1/providers/Microsoft.KubernetesConfiguration/extensions/AzureML/`;
    const parsed = parseResourceId(id);
    expect(parsed).toEqual({
      id: id.slice(0, -1),
      subscriptionId: SUB,
      resourceGroup: 'ML-RG',
      provider: 'microsoft.kubernetes',
      resourceType: 'Microsoft.KubernetesConfiguration/extensions',
      name: 'AzureML',
      segments: [
        { namespace: 'microsoft.kubernetes', type: 'connectedclusters', name: 'Arc1' },
        { namespace: 'Microsoft.KubernetesConfiguration', type: 'extensions', name: 'AzureML', extension: true },
      ],
    });
    expect(isResourceType(parsed, 'Microsoft.KubernetesConfiguration/Extensions')).toBe(true);
    expect(parentResourceId(parsed)).toBe(
      `/subscriptions/${SUB}/resourceGroups/ML-RG/providers/microsoft.kubernetes/connectedclusters/Arc1`,
    );
  });

  it('parses subscription-level resources', () => {
    expect(parseResourceId(`/subscriptions/${SUB}/providers/Microsoft.Resources/tags/default`)).toMatchObject({
      subscriptionId: SUB,
      resourceType: 'Microsoft.Resources/tags',
      name: 'default',
    });
  });

  it.each([
    ['', /must start with \/subscriptions\//],
    ['subscriptions/x', /must start with \/subscriptions\//],
    ['/resourceGroups/rg', /must start with \/subscriptions\//],
    ['/subscriptions', /subscription id after \/subscriptions\/ is missing/],
    [`/subscriptions/${SUB}/resourceGroups`, /resource group name after \/resourceGroups\/ is missing/],
    [`/subscriptions/${SUB}/resourceGroups/rg/providers`, /provider namespace after \/providers\/ is missing/],
    [
      `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Kubernetes`,
      /no resource type follows \/providers\/Microsoft.Kubernetes/,
    ],
    [
      `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Kubernetes/connectedClusters`,
      /the resource type "connectedClusters" has no name after it/,
    ],
    [`/subscriptions/${SUB}/resourceGroups/rg/connectedClusters/x`, /"connectedClusters" is not expected here/],
    [`/subscriptions/${SUB}//resourceGroups/rg`, /empty segment/],
  ])('explains why %j is not an id', (id, problem) => {
    const error = (() => {
      try {
        parseResourceId(id);
      } catch (e) {
        return e as InvalidResourceIdError;
      }
      throw new Error('expected an error');
    })();
    expect(error).toBeInstanceOf(InvalidResourceIdError);
    expect(error.message).toMatch(problem);
    expect(error.message).toContain(`"${id}" is not a valid Azure resource id`);
    expect(error.hint).toContain('/subscriptions/<id>/resourceGroups/<group>');
  });
});

describe('cluster and workspace ids', () => {
  it.each([
    [ARC, 'connected', 'arc1'],
    [managedClusterId(SUB, 'ml-rg', 'aks1').toLowerCase(), 'managed', 'aks1'],
  ])('parseClusterId(%s) is a %s cluster', (id, kind, clusterName) => {
    expect(parseClusterId(id)).toMatchObject({ kind, clusterName, subscriptionId: SUB });
  });

  it('parseClusterId refuses other resources, naming what it got', () => {
    expect(() => parseClusterId(WSID)).toThrow(/it is a Microsoft.MachineLearningServices\/workspaces, not a cluster/);
  });

  it('parseWorkspaceId reads the workspace of any resource inside it', () => {
    expect(parseWorkspaceId(onlineDeploymentId(WS, 'e', 'd'))).toEqual(WS);
    expect(() => parseWorkspaceId(ARC)).toThrow(/not an Azure Machine Learning workspace/);
  });

  it('sameResourceId compares like ARM', () => {
    expect(sameResourceId(`${ARC}/`, ARC.toUpperCase())).toBe(true);
    expect(sameResourceId(ARC, `${ARC}x`)).toBe(false);
  });

  it('clusterExtensionArgs names the cluster as the extensions API wants it, for Arc and AKS', () => {
    expect(clusterExtensionArgs(parseClusterId(ARC))).toEqual([
      'ml-rg',
      'Microsoft.Kubernetes',
      'connectedClusters',
      'arc1',
    ]);
    expect(clusterExtensionArgs(parseClusterId(managedClusterId(SUB, 'aks-rg', 'aks1')))).toEqual([
      'aks-rg',
      'Microsoft.ContainerService',
      'managedClusters',
      'aks1',
    ]);
  });
});

describe('resourceGroupNameRule', () => {
  it.each(['rg', 'ml-rg_1', 'rg.(test)', 'a', 'Über-Gruppe', 'x'.repeat(90)])('accepts %j', (name) => {
    expect(resourceGroupNameRule(name)).toBeUndefined();
  });

  it.each([
    ['rg.', `"rg." must be letters, digits, '_', '-', '.', '(' or ')', not ending with '.'`],
    ['rg/x', `"rg/x" must be letters, digits, '_', '-', '.', '(' or ')', not ending with '.'`],
    ['my rg', `"my rg" must be letters, digits, '_', '-', '.', '(' or ')', not ending with '.'`],
    ['x'.repeat(91), `"${'x'.repeat(91)}" is 91 characters long; use 1 to 90`],
  ])('refuses %j', (name, problem) => {
    expect(resourceGroupNameRule(name)).toBe(problem);
  });
});
