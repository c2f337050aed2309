import type { LocalAzureConfig, NodeConfig } from './types.js';

const SUBSCRIPTION = '00000000-0000-4000-8000-00000000a2c1';

function node(name: string, extra: Partial<NodeConfig> = {}): NodeConfig {
  return { name, cpu: 4, memoryGi: 16, gpu: 0, os: 'linux', labels: { 'kubernetes.io/os': 'linux' }, ...extra };
}

/** The local Azure a first `arc-ml local up` gets: one workspace, one Arc cluster not yet connected, one AKS cluster. */
export const DEFAULT_CONFIG: LocalAzureConfig = {
  tenantId: '72f988bf-0000-4000-8000-00000000a2c1',
  subscriptionId: SUBSCRIPTION,
  subscriptionName: 'Arc ML local',
  location: 'eastus',
  resourceGroups: [{ name: 'arc-ml-rg' }, { name: 'no-access-rg' }],
  apps: [
    {
      displayName: 'arc-ml-actions-ci',
      clientId: '11111111-0000-4000-8000-00000000a2c1',
      objectId: '22222222-0000-4000-8000-00000000a2c1',
      federatedCredentials: [
        {
          name: 'main-branch',
          issuer: '{github}',
          subject: 'repo:arc-ml/arc-ml-actions:ref:refs/heads/main',
          audiences: ['api://AzureADTokenExchange'],
        },
        {
          name: 'production-environment',
          issuer: '{github}',
          subject: 'repo:arc-ml/arc-ml-actions:environment:production',
          audiences: ['api://AzureADTokenExchange'],
        },
      ],
      roleAssignments: [{ role: 'Contributor', scope: '/subscriptions/{subscription}/resourceGroups/arc-ml-rg' }],
    },
  ],
  github: {
    repository: 'arc-ml/arc-ml-actions',
    ref: 'refs/heads/main',
    sha: '0123456789abcdef0123456789abcdef01234567',
    workflow: 'pipeline.yml',
  },
  workspaces: [{ name: 'mlw-arc', resourceGroup: 'arc-ml-rg' }],
  clusters: [
    {
      name: 'arc-k3s',
      resourceGroup: 'arc-ml-rg',
      kind: 'arc',
      kubernetesVersion: '1.30.4',
      distribution: 'k3s',
      infrastructure: 'generic',
      connected: false,
      namespaces: ['default', 'kube-system', 'azureml'],
      nodes: [node('k3s-node-0'), node('k3s-node-1'), node('k3s-node-2')],
    },
    {
      name: 'aks-ml',
      resourceGroup: 'arc-ml-rg',
      kind: 'aks',
      kubernetesVersion: '1.30.4',
      connected: false,
      namespaces: ['default', 'kube-system', 'azureml'],
      nodes: [node('aks-nodepool1-0'), node('aks-nodepool1-1'), node('aks-nodepool1-2')],
    },
  ],
  delays: {
    connectivity: 1500,
    extension: 1500,
    compute: 1000,
    endpoint: 1000,
    deployment: 1500,
    resource: 0,
    resourceGroup: 300,
  },
  ports: { https: 47443, blob: 47444 },
};
