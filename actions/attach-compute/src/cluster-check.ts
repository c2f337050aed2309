/**
 * Before anything is written: the cluster must exist, an Arc cluster must be Connected, and the
 * cluster must have the Azure Machine Learning extension installed successfully. Each failure says
 * which action of this repository fixes it.
 */
import { ActionError } from '@arc-ml/actions-kit';
import type { ClusterRef } from '@arc-ml/azure';
import type { AzurePort, ExtensionState } from './azure-port.js';

export const AZUREML_EXTENSION_TYPE = 'Microsoft.AzureML.Kubernetes';

/** What was found: the extension that makes the cluster usable by Azure ML. */
export interface ReadyCluster {
  readonly extension: ExtensionState;
}

export async function requireReadyCluster(azure: AzurePort, cluster: ClusterRef): Promise<ReadyCluster> {
  if (cluster.kind === 'connected') await requireConnected(azure, cluster);
  const extensions = await azure.listClusterExtensions(cluster);
  if (extensions === undefined) throw clusterNotFound(cluster);
  return { extension: requireAzureMlExtension(cluster, extensions) };
}

async function requireConnected(azure: AzurePort, cluster: ClusterRef): Promise<void> {
  const found = await azure.getConnectedCluster(cluster);
  if (!found) throw clusterNotFound(cluster);
  const status = found.connectivityStatus ?? 'Unknown';
  if (status === 'Connected') return;
  throw new ActionError(
    `the Arc connected cluster ${cluster.clusterName} is ${status}, not Connected; Azure ML reaches the cluster through its Arc agents`,
    { hint: CONNECTIVITY_HINTS[status] ?? CONNECTIVITY_HINTS['Unknown'] },
  );
}

const CONNECTIVITY_HINTS: Readonly<Record<string, string>> = {
  Connecting:
    'Its Arc agents have not reported yet. Run the connect-arc action first: it waits until the cluster is Connected.',
  Offline:
    "Its Arc agents have not reported for a while. Check them (kubectl get pods -n azure-arc) and the cluster's outbound network, then run connect-arc to confirm it is Connected.",
  Expired:
    'Its managed identity certificate expired after a long time offline. Reconnect the cluster (az connectedk8s delete, then connect-arc with onboard: true).',
  Unknown: 'Run the connect-arc action first and attach once it reports connectivity-status Connected.',
};

function clusterNotFound(cluster: ClusterRef): ActionError {
  if (cluster.kind === 'connected') {
    return new ActionError(
      `the Arc connected cluster ${cluster.clusterName} was not found in resource group ${cluster.resourceGroup}`,
      {
        hint: 'Run the connect-arc action first (with onboard: true and a kubeconfig to connect a new cluster), or fix cluster-id: use the cluster-id output of connect-arc.',
      },
    );
  }
  return new ActionError(
    `the AKS cluster ${cluster.clusterName} was not found in resource group ${cluster.resourceGroup}`,
    {
      hint: 'Fix cluster-id: use the cluster-id output of connect-arc (cluster-type: aks), or az aks show -g <group> -n <name> --query id.',
    },
  );
}

function requireAzureMlExtension(cluster: ClusterRef, extensions: readonly ExtensionState[]): ExtensionState {
  const azureMl = extensions.filter((e) => e.extensionType.toLowerCase() === AZUREML_EXTENSION_TYPE.toLowerCase());
  const ready = azureMl.find((e) => e.provisioningState === 'Succeeded');
  if (ready) return ready;
  const found = azureMl[0];
  if (!found) {
    throw new ActionError(
      `cluster ${cluster.clusterName} has no Azure Machine Learning extension (${AZUREML_EXTENSION_TYPE}); Azure ML can attach only a cluster that runs it`,
      {
        hint: `Run the install-azureml-extension action on this cluster first (cluster-id: ${cluster.id}), then this step.`,
      },
    );
  }
  const state = found.provisioningState ?? 'Unknown';
  const installing = ['Creating', 'Updating', 'Accepted', 'Running'].includes(state);
  throw new ActionError(
    `the Azure Machine Learning extension "${found.name}" on cluster ${cluster.clusterName} is ${state}, not Succeeded${found.error ? `: ${found.error}` : ''}`,
    {
      hint: installing
        ? 'Its installation is still running: run install-azureml-extension before this step, which waits for it to succeed.'
        : "Fix the extension with the install-azureml-extension action (it reports the extension's statuses and the likely cause), then run this step again.",
    },
  );
}
