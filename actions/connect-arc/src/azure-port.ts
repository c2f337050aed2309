// The few Resource Manager calls connect-arc makes, behind a small interface so tests pass a fake:
// read a connected cluster, read a managed (AKS) cluster, and merge tags into a connected cluster.

import {
  type AzureClients,
  getManagedCluster,
  isNotFound,
  type ManagedClusterInfo,
  managedClusterId,
  toArmError,
} from '@arc-ml/azure';

export interface ConnectedCluster {
  readonly id: string;
  readonly name: string;
  readonly location: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly provisioningState?: string;
  readonly connectivityStatus?: string;
  readonly kubernetesVersion?: string;
  readonly agentVersion?: string;
  readonly distribution?: string;
  readonly infrastructure?: string;
  readonly totalNodeCount?: number;
  readonly totalCoreCount?: number;
  readonly lastConnectivityTime?: Date;
  readonly managedIdentityCertificateExpirationTime?: Date;
}

/** An AKS managed cluster, read through the generic resources API (no ContainerService SDK here). */
export type ManagedCluster = ManagedClusterInfo;

export interface ClusterPort {
  /** The connected cluster, or undefined when it does not exist (404). */
  getConnectedCluster(resourceGroup: string, name: string): Promise<ConnectedCluster | undefined>;
  /** The managed cluster, or undefined when it does not exist (404). */
  getManagedCluster(resourceGroup: string, name: string): Promise<ManagedCluster | undefined>;
  /** Replaces the connected cluster's tags (PATCH). */
  setConnectedClusterTags(
    resourceGroup: string,
    name: string,
    tags: Readonly<Record<string, string>>,
  ): Promise<ConnectedCluster>;
}

/** The ClusterPort over the SDK clients. */
export function clusterPort(clients: AzureClients): ClusterPort {
  return {
    async getConnectedCluster(resourceGroup, name) {
      try {
        return fromConnected(await clients.connectedClusters().connectedClusterOperations.get(resourceGroup, name));
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw toArmError(error, `reading connected cluster ${name} in ${resourceGroup}`);
      }
    },
    async getManagedCluster(resourceGroup, name) {
      try {
        return await getManagedCluster(clients, managedClusterId(clients.subscriptionId, resourceGroup, name));
      } catch (error) {
        throw toArmError(error, `reading AKS cluster ${name} in ${resourceGroup}`);
      }
    },
    async setConnectedClusterTags(resourceGroup, name, tags) {
      try {
        return fromConnected(
          await clients
            .connectedClusters()
            .connectedClusterOperations.update(resourceGroup, name, { tags: { ...tags } }),
        );
      } catch (error) {
        throw toArmError(error, `updating the tags of connected cluster ${name}`);
      }
    },
  };
}

interface SdkConnectedCluster {
  id?: string;
  name?: string;
  location: string;
  tags?: Record<string, string>;
  provisioningState?: string;
  connectivityStatus?: string;
  kubernetesVersion?: string;
  agentVersion?: string;
  distribution?: string;
  infrastructure?: string;
  totalNodeCount?: number;
  totalCoreCount?: number;
  lastConnectivityTime?: Date;
  managedIdentityCertificateExpirationTime?: Date;
}

function fromConnected(c: SdkConnectedCluster): ConnectedCluster {
  return {
    id: c.id ?? '',
    name: c.name ?? '',
    location: c.location,
    tags: c.tags ?? {},
    ...optional('provisioningState', c.provisioningState),
    ...optional('connectivityStatus', c.connectivityStatus),
    ...optional('kubernetesVersion', c.kubernetesVersion),
    ...optional('agentVersion', c.agentVersion),
    ...optional('distribution', c.distribution),
    ...optional('infrastructure', c.infrastructure),
    ...optional('totalNodeCount', c.totalNodeCount),
    ...optional('totalCoreCount', c.totalCoreCount),
    ...optional('lastConnectivityTime', c.lastConnectivityTime),
    ...optional('managedIdentityCertificateExpirationTime', c.managedIdentityCertificateExpirationTime),
  };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
