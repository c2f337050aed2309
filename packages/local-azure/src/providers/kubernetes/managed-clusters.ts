// Microsoft.ContainerService/managedClusters: the AKS clusters declared in the config, read-only
// (GET and the two lists) at the stable api-versions current SDKs and tools send. There is no
// swagger for this RP in ../shared/azure-specs; the body follows the AKS REST reference.

import { createHash, randomUUID } from 'node:crypto';
import type { ArmRequest, ProviderContext, ResourceJson, ResourceProvider, Route } from '../../arm/contract.js';
import type { ClusterConfig, NodeConfig } from '../../config/types.js';
import {
  clusterResourceId,
  MANAGED_CLUSTER_TYPE,
  requireResourceGroup,
  requireSubscription,
  resourceGroupId,
  resourceNotFound,
  systemData,
} from './arm.js';
import { clusterRuntimes } from './cluster-runtime.js';
import { resourceGroupLocation } from './connected-clusters.js';

/** Stable AKS api-versions (2023-01-01 onwards). */
export const MANAGED_CLUSTER_API_VERSIONS = [
  '2023-01-01',
  '2023-02-01',
  '2023-03-01',
  '2023-04-01',
  '2023-05-01',
  '2023-06-01',
  '2023-07-01',
  '2023-08-01',
  '2023-09-01',
  '2023-10-01',
  '2023-11-01',
  '2024-01-01',
  '2024-02-01',
  '2024-05-01',
  '2024-06-01',
  '2024-07-01',
  '2024-08-01',
  '2024-09-01',
  '2024-10-01',
  '2025-01-01',
  '2025-02-01',
  '2025-03-01',
  '2025-04-01',
  '2025-05-01',
  '2025-06-01',
  '2025-07-01',
] as const;

const ACTION = 'Microsoft.ContainerService/managedClusters';
const CLUSTER_PATH =
  '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.ContainerService/managedClusters/{resourceName}';

/** The VM size a node of that shape would be on AKS. */
function vmSize(node: NodeConfig): string {
  if (node.gpu > 0) return `Standard_NC${node.gpu * 6}s_v3`;
  if (node.memoryGi <= node.cpu * 2) return `Standard_F${node.cpu}s_v2`;
  if (node.memoryGi >= node.cpu * 8) return `Standard_E${node.cpu}s_v5`;
  return `Standard_D${node.cpu}s_v5`;
}

/** The node pool a node belongs to: its agentpool label, else the `aks-<pool>-…` name part. */
function poolName(node: NodeConfig): string {
  return (
    node.labels['kubernetes.azure.com/agentpool'] ??
    node.labels['agentpool'] ??
    /^aks-([a-z0-9]{1,12})-/.exec(node.name)?.[1] ??
    'nodepool1'
  );
}

function agentPoolProfiles(cluster: ClusterConfig): Record<string, unknown>[] {
  const pools = new Map<string, NodeConfig[]>();
  for (const node of cluster.nodes) pools.set(poolName(node), [...(pools.get(poolName(node)) ?? []), node]);
  return [...pools.entries()].map(([name, nodes], index) => {
    const first = nodes[0]!;
    const windows = first.os === 'windows';
    return {
      name,
      count: nodes.length,
      vmSize: vmSize(first),
      osDiskSizeGB: 128,
      osDiskType: 'Managed',
      kubeletDiskType: 'OS',
      maxPods: windows ? 30 : 110,
      type: 'VirtualMachineScaleSets',
      enableAutoScaling: false,
      provisioningState: 'Succeeded',
      powerState: { code: 'Running' },
      orchestratorVersion: cluster.kubernetesVersion,
      currentOrchestratorVersion: cluster.kubernetesVersion,
      enableNodePublicIP: false,
      mode: index === 0 && !windows ? 'System' : 'User',
      osType: windows ? 'Windows' : 'Linux',
      osSKU: windows ? 'Windows2022' : 'Ubuntu',
      nodeImageVersion: windows
        ? 'AKSWindows-2022-containerd-20348.2762.241009'
        : 'AKSUbuntu-2204gen2containerd-202410.15.0',
      ...(Object.keys(first.labels).length > 0 ? { nodeLabels: { ...first.labels } } : {}),
      enableFIPS: false,
    };
  });
}

/** The managed cluster as AKS returns it from GET. */
function managedClusterBody(ctx: ProviderContext, cluster: ClusterConfig): ResourceJson {
  const location = cluster.location ?? resourceGroupLocation(ctx, cluster.resourceGroup);
  const id = clusterResourceId(ctx.config.subscriptionId, cluster.resourceGroup, MANAGED_CLUSTER_TYPE, cluster.name);
  const dnsPrefix = `${cluster.name}-dns`.slice(0, 54);
  const suffix = createHash('sha256').update(id.toLowerCase()).digest('hex').slice(0, 8);
  return {
    id,
    name: cluster.name,
    type: 'Microsoft.ContainerService/ManagedClusters',
    location,
    sku: { name: 'Base', tier: 'Free' },
    identity: { type: 'SystemAssigned', principalId: randomUUID(), tenantId: ctx.config.tenantId },
    properties: {
      provisioningState: 'Succeeded',
      powerState: { code: 'Running' },
      kubernetesVersion: cluster.kubernetesVersion,
      currentKubernetesVersion: cluster.kubernetesVersion,
      dnsPrefix,
      fqdn: `${dnsPrefix}-${suffix}.hcp.${location}.azmk8s.io`,
      azurePortalFQDN: `${dnsPrefix}-${suffix}.portal.hcp.${location}.azmk8s.io`,
      agentPoolProfiles: agentPoolProfiles(cluster),
      nodeResourceGroup: `MC_${cluster.resourceGroup}_${cluster.name}_${location}`,
      enableRBAC: true,
      supportPlan: 'KubernetesOfficial',
      networkProfile: {
        networkPlugin: 'azure',
        networkPluginMode: 'overlay',
        networkPolicy: 'none',
        loadBalancerSku: 'standard',
        podCidr: '10.244.0.0/16',
        serviceCidr: '10.0.0.0/16',
        dnsServiceIP: '10.0.0.10',
        outboundType: 'loadBalancer',
      },
      oidcIssuerProfile: { enabled: false },
      maxAgentPools: 100,
    },
    systemData: systemData(
      { clientId: ctx.config.apps[0]?.clientId ?? 'local-azure', objectId: '', tenantId: ctx.config.tenantId },
      ctx.clock.now(),
    ),
  };
}

function getManagedCluster(req: ArmRequest, ctx: ProviderContext) {
  const resourceGroup = req.params['resourceGroupName']!;
  const name = req.params['resourceName']!;
  requireResourceGroup(ctx, req.params['subscriptionId']!, resourceGroup);
  const found = ctx.store.get(
    clusterResourceId(req.params['subscriptionId']!, resourceGroup, MANAGED_CLUSTER_TYPE, name),
  );
  if (!found) throw resourceNotFound(MANAGED_CLUSTER_TYPE, name, resourceGroup);
  return { status: 200, body: found };
}

function routes(): Route[] {
  const apiVersions = MANAGED_CLUSTER_API_VERSIONS;
  return [
    { method: 'GET', path: CLUSTER_PATH, apiVersions, action: `${ACTION}/read`, handle: getManagedCluster },
    {
      method: 'GET',
      path: '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.ContainerService/managedClusters',
      apiVersions,
      action: `${ACTION}/read`,
      handle: (req, ctx) => {
        requireResourceGroup(ctx, req.params['subscriptionId']!, req.params['resourceGroupName']!);
        const scope = resourceGroupId(req.params['subscriptionId']!, req.params['resourceGroupName']!);
        return { status: 200, body: { value: ctx.store.below(scope, MANAGED_CLUSTER_TYPE) } };
      },
    },
    {
      method: 'GET',
      path: '/subscriptions/{subscriptionId}/providers/Microsoft.ContainerService/managedClusters',
      apiVersions,
      action: `${ACTION}/read`,
      handle: (req, ctx) => {
        requireSubscription(ctx, req.params['subscriptionId']!);
        return {
          status: 200,
          body: { value: ctx.store.below(`/subscriptions/${req.params['subscriptionId']!}`, MANAGED_CLUSTER_TYPE) },
        };
      },
    },
  ];
}

export function managedClustersProvider(): ResourceProvider {
  return {
    namespace: 'Microsoft.ContainerService',
    resourceTypes: [{ resourceType: 'managedClusters', apiVersions: MANAGED_CLUSTER_API_VERSIONS }],
    routes: routes(),
    seed(ctx) {
      for (const runtime of clusterRuntimes(ctx).values()) {
        if (runtime.kind === 'aks') ctx.store.put(managedClusterBody(ctx, runtime.config));
      }
    },
  };
}
