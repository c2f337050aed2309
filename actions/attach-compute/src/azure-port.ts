/**
 * The few Azure calls this action makes, behind one small interface: tests pass a fake, the action
 * passes `sdkAzurePort(clients)` over the official SDK clients. Reads answer `undefined` for
 * "does not exist"; every other failure is an ArmRequestError with a hint.
 */
import {
  type AzureClients,
  type Clock,
  type ClusterRef,
  clusterExtensionArgs,
  explainArmError,
  isNotFound,
  type Sleep,
  toArmError,
  type WorkspaceRef,
  waitForOperation,
} from '@arc-ml/azure';
import type { AttachBody, ComputeState, InstanceTypeBody } from './attachment.js';

export interface ComputeRef {
  readonly workspace: WorkspaceRef;
  readonly name: string;
}

export interface ConnectedClusterState {
  /** `Connected`, `Connecting`, `Offline`, `Expired`. */
  readonly connectivityStatus: string | undefined;
  readonly provisioningState: string | undefined;
}

export interface ExtensionState {
  readonly name: string;
  readonly extensionType: string;
  readonly provisioningState: string | undefined;
  /** The extension's `errorInfo` message when its install failed. */
  readonly error: string | undefined;
}

export interface OperationWait {
  readonly timeoutMs: number;
  /** The operation's state when it first shows and whenever it changes. */
  readonly onProgress?: (state: string, elapsedMs: number) => void;
}

export interface AzurePort {
  /** The compute, or undefined when the workspace has none of that name. */
  getCompute(compute: ComputeRef): Promise<ComputeState | undefined>;
  /** The workspace's region, where an attached compute is placed; undefined when the caller may not read it. */
  getWorkspaceLocation(workspace: WorkspaceRef): Promise<string | undefined>;
  /** An Arc connected cluster, or undefined when it does not exist. */
  getConnectedCluster(cluster: ClusterRef): Promise<ConnectedClusterState | undefined>;
  /** The cluster's extensions, or undefined when the cluster (Arc or AKS) does not exist. */
  listClusterExtensions(cluster: ClusterRef): Promise<ExtensionState[] | undefined>;
  /** PUTs the compute and waits for the attach to finish; answers the attached compute. */
  attach(compute: ComputeRef, body: AttachBody, wait: OperationWait): Promise<ComputeState>;
  /** DELETEs the compute with underlyingResourceAction=Detach (the cluster stays) and waits. */
  detach(compute: ComputeRef, wait: OperationWait): Promise<void>;
}

export interface SdkPortOptions {
  readonly clock?: Clock;
  readonly sleep?: Sleep;
  /** First wait between polls of a long-running operation (grows while nothing changes); default 1 s. */
  readonly pollIntervalMs?: number;
  /** Longest wait between polls; default 15 s. */
  readonly maxPollIntervalMs?: number;
}

type MachineLearningClient = ReturnType<AzureClients['machineLearning']>;
type ComputeResource = Awaited<ReturnType<MachineLearningClient['computeOperations']['get']>>;
type ComputeBody = Parameters<MachineLearningClient['computeOperations']['beginCreateOrUpdate']>[3];

export function sdkAzurePort(clients: AzureClients, options: SdkPortOptions = {}): AzurePort {
  const ml = (workspace: WorkspaceRef) => clients.machineLearning(workspace.subscriptionId);
  const waitOptions = (wait: OperationWait) => ({
    timeoutMs: wait.timeoutMs,
    intervalMs: options.pollIntervalMs ?? 1000,
    maxIntervalMs: options.maxPollIntervalMs ?? 15_000,
    ...(wait.onProgress ? { onProgress: wait.onProgress } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.sleep ? { sleep: options.sleep } : {}),
  });

  return {
    async getCompute({ workspace, name }) {
      try {
        return computeState(
          await ml(workspace).computeOperations.get(workspace.resourceGroup, workspace.workspaceName, name),
        );
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw toArmError(error, `reading compute ${name} of workspace ${workspace.workspaceName}`);
      }
    },

    async getWorkspaceLocation(workspace) {
      try {
        return (await ml(workspace).workspaces.get(workspace.resourceGroup, workspace.workspaceName)).location;
      } catch (error) {
        // AzureML Compute Operator may write computes without reading the workspace: Azure ML then
        // places the compute in the workspace's region by itself.
        if (explainArmError(error).statusCode === 403) return undefined;
        throw toArmError(error, `reading workspace ${workspace.workspaceName}`);
      }
    },

    async getConnectedCluster(cluster) {
      try {
        const found = await clients
          .connectedClusters(cluster.subscriptionId)
          .connectedClusterOperations.get(cluster.resourceGroup, cluster.clusterName);
        return { connectivityStatus: found.connectivityStatus, provisioningState: found.provisioningState };
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw toArmError(error, `reading connected cluster ${cluster.clusterName}`);
      }
    },

    async listClusterExtensions(cluster) {
      const extensions: ExtensionState[] = [];
      try {
        const pages = clients
          .kubernetesConfiguration(cluster.subscriptionId)
          .extensions.list(...clusterExtensionArgs(cluster));
        for await (const extension of pages) {
          extensions.push({
            name: extension.name ?? '',
            extensionType: extension.extensionType ?? '',
            provisioningState: extension.provisioningState,
            error: extension.errorInfo?.message,
          });
        }
        return extensions;
      } catch (error) {
        // Listing below a cluster that does not exist answers 404 (ParentResourceNotFound).
        const explained = explainArmError(error);
        if (explained.statusCode === 404 && explained.code !== 'SubscriptionNotFound') return undefined;
        throw toArmError(error, `listing the extensions of cluster ${cluster.clusterName}`);
      }
    },

    async attach({ workspace, name }, body, wait) {
      const poller = ml(workspace).computeOperations.beginCreateOrUpdate(
        workspace.resourceGroup,
        workspace.workspaceName,
        name,
        body as ComputeBody,
      );
      return computeState(await waitForOperation(`attach compute ${name}`, poller, waitOptions(wait)));
    },

    async detach({ workspace, name }, wait) {
      const poller = ml(workspace).computeOperations.beginDelete(
        workspace.resourceGroup,
        workspace.workspaceName,
        name,
        'Detach',
      );
      await waitForOperation(`detach compute ${name}`, poller, waitOptions(wait));
    },
  };
}

/** The parts of a compute resource this action reads, whatever its type. */
export function computeState(resource: ComputeResource): ComputeState {
  const compute = (resource.properties ?? {}) as {
    computeType?: string;
    provisioningState?: string;
    resourceId?: string | null;
    provisioningErrors?: { error?: { message?: string; code?: string } }[] | null;
    properties?: {
      namespace?: string;
      defaultInstanceType?: string;
      instanceTypes?: Record<string, InstanceTypeBody>;
    } | null;
  };
  const kubernetes = compute.properties ?? {};
  return {
    id: resource.id ?? '',
    name: resource.name ?? '',
    computeType: compute.computeType ?? 'Unknown',
    provisioningState: compute.provisioningState ?? 'Unknown',
    clusterId: compute.resourceId ?? undefined,
    namespace: kubernetes.namespace,
    defaultInstanceType: kubernetes.defaultInstanceType,
    instanceTypes: kubernetes.instanceTypes ?? {},
    identityType: resource.identity?.type,
    provisioningErrors: (compute.provisioningErrors ?? [])
      .map((e) => [e.error?.code, e.error?.message].filter(Boolean).join(': '))
      .filter((message) => message !== ''),
  };
}
