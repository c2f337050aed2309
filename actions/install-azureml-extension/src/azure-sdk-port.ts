// ClusterExtensionsPort over the Azure SDK clients from @arc-ml/azure: connected clusters
// (arm-hybridkubernetes), managed clusters (getManagedCluster, a generic GET: there is no AKS
// client here) and cluster extensions (arm-kubernetesconfiguration, clusterRp/clusterResourceName
// chosen per cluster kind by clusterExtensionArgs).

import {
  type AzureClients,
  type ClusterRef,
  clusterExtensionArgs,
  explainArmError,
  getManagedCluster,
  isNotFound,
  toArmError,
} from '@arc-ml/azure';
import type {
  ClusterExtensionsPort,
  ClusterInfo,
  ExtensionBody,
  ExtensionPatch,
  InstalledExtension,
  StartedOperation,
} from './azure-port.js';

type ExtensionsClient = ReturnType<AzureClients['kubernetesConfiguration']>['extensions'];
type SdkExtension = Parameters<ExtensionsClient['beginCreate']>[5];
type SdkPatch = Parameters<ExtensionsClient['beginUpdate']>[5];
type WriteOptions = NonNullable<Parameters<ExtensionsClient['beginCreate']>[6]>;
type Poller = Awaited<ReturnType<ExtensionsClient['beginCreate']>>;

export function sdkPort(clients: AzureClients): ClusterExtensionsPort {
  const extensions = (cluster: ClusterRef) => clients.kubernetesConfiguration(cluster.subscriptionId).extensions;

  return {
    async getCluster(cluster) {
      try {
        return cluster.kind === 'connected' ? await getConnected(clients, cluster) : await getManaged(clients, cluster);
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw toArmError(error, `reading ${describeCluster(cluster)}`);
      }
    },

    async getExtension(cluster, name) {
      try {
        return toInstalled(await extensions(cluster).get(...clusterExtensionArgs(cluster), name));
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw toArmError(error, `reading the extension '${name}' of ${describeCluster(cluster)}`);
      }
    },

    async listExtensions(cluster) {
      try {
        const found: InstalledExtension[] = [];
        for await (const extension of extensions(cluster).list(...clusterExtensionArgs(cluster)))
          found.push(toInstalled(extension));
        return found;
      } catch (error) {
        throw toArmError(error, `listing the extensions of ${describeCluster(cluster)}`);
      }
    },

    async createExtension(cluster, name, body) {
      const doing = `installing the extension '${name}' on ${describeCluster(cluster)}`;
      return started(doing, (options) =>
        extensions(cluster).beginCreate(...clusterExtensionArgs(cluster), name, toSdkExtension(body), options),
      );
    },

    async updateExtension(cluster, name, patch) {
      const doing = `updating the extension '${name}' on ${describeCluster(cluster)}`;
      return started(doing, (options) =>
        extensions(cluster).beginUpdate(...clusterExtensionArgs(cluster), name, toSdkPatch(patch), options),
      );
    },
  };
}

export function describeCluster(cluster: ClusterRef): string {
  return `${cluster.kind === 'connected' ? 'the Arc cluster' : 'the AKS cluster'} '${cluster.clusterName}' (resource group ${cluster.resourceGroup})`;
}

async function getConnected(clients: AzureClients, cluster: ClusterRef): Promise<ClusterInfo> {
  const found = await clients
    .connectedClusters(cluster.subscriptionId)
    .connectedClusterOperations.get(cluster.resourceGroup, cluster.clusterName);
  return {
    ref: cluster,
    ...defined({
      location: found.location,
      connectivityStatus: found.connectivityStatus,
      lastConnectivityTime: found.lastConnectivityTime,
      nodeCount: found.totalNodeCount,
      distribution: found.distribution,
      provisioningState: found.provisioningState,
      kubernetesVersion: found.kubernetesVersion,
    }),
  };
}

async function getManaged(clients: AzureClients, cluster: ClusterRef): Promise<ClusterInfo | undefined> {
  const found = await getManagedCluster(clients, cluster.id);
  if (!found) return undefined;
  return {
    ref: cluster,
    ...defined({
      location: found.location || undefined,
      nodeCount: found.nodeCount,
      provisioningState: found.provisioningState,
      kubernetesVersion: found.kubernetesVersion,
    }),
  };
}

function toInstalled(extension: SdkExtension): InstalledExtension {
  const settings: Record<string, string> = {};
  for (const [key, value] of Object.entries(extension.configurationSettings ?? {})) {
    if (typeof value === 'string') settings[key] = value;
  }
  const error = extension.errorInfo;
  return {
    id: extension.id ?? '',
    name: extension.name ?? '',
    hasIdentity: extension.identity?.type !== undefined,
    configurationSettings: settings,
    statuses: (extension.statuses ?? []).map((status) =>
      defined({
        code: status.code,
        displayStatus: status.displayStatus,
        level: status.level,
        message: status.message,
        time: status.time,
      }),
    ),
    ...defined({
      extensionType: extension.extensionType,
      provisioningState: extension.provisioningState,
      currentVersion: extension.currentVersion ?? undefined,
      version: extension.version ?? undefined,
      releaseTrain: extension.releaseTrain,
      autoUpgradeMinorVersion: extension.autoUpgradeMinorVersion,
      releaseNamespace: extension.scope?.cluster?.releaseNamespace,
      errorInfo:
        error && (error.code || error.message) ? defined({ code: error.code, message: error.message }) : undefined,
    }),
  };
}

function toSdkExtension(body: ExtensionBody): SdkExtension {
  return {
    identity: { type: 'SystemAssigned' },
    extensionType: body.extensionType,
    autoUpgradeMinorVersion: body.autoUpgradeMinorVersion,
    releaseTrain: body.releaseTrain,
    ...(body.version !== undefined ? { version: body.version } : {}),
    scope: { cluster: { releaseNamespace: body.releaseNamespace } },
    configurationSettings: { ...body.configurationSettings },
    configurationProtectedSettings: { ...body.configurationProtectedSettings },
  };
}

function toSdkPatch(patch: ExtensionPatch): SdkPatch {
  return {
    ...defined({
      autoUpgradeMinorVersion: patch.autoUpgradeMinorVersion,
      releaseTrain: patch.releaseTrain,
      configurationSettings: patch.configurationSettings ? { ...patch.configurationSettings } : undefined,
      configurationProtectedSettings: patch.configurationProtectedSettings
        ? { ...patch.configurationProtectedSettings }
        : undefined,
    }),
    // The spec declares version x-nullable: null unpins it.
    ...(patch.version !== undefined ? { version: patch.version as string } : {}),
  };
}

/** Sends the write (the SDK sends the first request while creating the poller) and keeps the poller for its error. */
async function started(doing: string, begin: (options: WriteOptions) => Promise<Poller>): Promise<StartedOperation> {
  let retryAfter: string | undefined;
  let poller: Poller;
  try {
    poller = await begin({
      onResponse: (response) => {
        retryAfter ??= response.headers.get('retry-after') ?? undefined;
      },
    });
  } catch (error) {
    throw toArmError(error, doing);
  }
  const seconds = retryAfter !== undefined && /^\d+(\.\d+)?$/.test(retryAfter.trim()) ? Number(retryAfter) : undefined;
  return {
    ...(seconds !== undefined ? { retryAfterMs: seconds * 1000 } : {}),
    async operationError() {
      try {
        await poller.pollUntilDone();
        return undefined;
      } catch (error) {
        const explained = explainArmError(error);
        return { code: explained.code, message: explained.message };
      }
    },
  };
}

/** The object without its undefined values (exactOptionalPropertyTypes-friendly spreading). */
function defined<T extends Record<string, unknown>>(value: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}
