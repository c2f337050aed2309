// The cluster must exist and, for Arc, be Connected: its agents install extensions. Then the
// warnings only the cluster can tell (node count for HA, OpenShift).

import { ActionError } from '@arc-ml/actions-kit';
import type { ClusterInfo } from './azure-port.js';
import { describeCluster } from './azure-sdk-port.js';
import type { InstallSettings } from './inputs.js';

export function requireUsableCluster(cluster: ClusterInfo | undefined, settings: InstallSettings): ClusterInfo {
  const ref = settings.cluster;
  if (!cluster) {
    throw new ActionError(`${describeCluster(ref)} was not found`, {
      hint:
        ref.kind === 'connected'
          ? 'Onboard the cluster first with the connect-arc action (onboard: true), or fix resource-group/cluster-name/cluster-id. For an AKS cluster set cluster-type: aks.'
          : 'Check the name, resource group and subscription. For an Arc-enabled cluster set cluster-type: connected.',
    });
  }
  if (ref.kind !== 'connected') return cluster;
  const status = cluster.connectivityStatus ?? 'Unknown';
  if (status === 'Connected') return cluster;
  const heartbeat = cluster.lastConnectivityTime
    ? ` (last heartbeat ${cluster.lastConnectivityTime.toISOString()})`
    : ' (its agents have never reported)';
  const meaning: Record<string, string> = {
    Offline: 'Azure has lost contact with its Arc agents',
    Expired:
      'its agents have been offline so long that their managed identity certificate expired; it must be onboarded again',
    Connecting: 'its Arc agents have not reported yet',
  };
  throw new ActionError(
    `${describeCluster(ref)} is ${status}${heartbeat}: ${meaning[status] ?? 'it is not Connected'}, and extensions are installed by those agents`,
    {
      hint:
        status === 'Expired'
          ? 'Onboard it again with the connect-arc action (onboard: true), then re-run this step.'
          : 'Run the connect-arc action before this step: it waits until the cluster is Connected and says what is wrong. Check the agents with kubectl get pods -n azure-arc.',
    },
  );
}

/** Warnings about the settings that only the cluster's facts reveal. */
export function clusterWarnings(cluster: ClusterInfo, settings: InstallSettings): string[] {
  const warnings: string[] = [];
  const nodes = cluster.nodeCount;
  if (settings.inference?.routerHighAvailability && nodes !== undefined && nodes < 3) {
    warnings.push(
      `inference-router-ha is true, but ${describeCluster(settings.cluster)} has ${nodes} node${nodes === 1 ? '' : 's'}: azureml-fe runs 3 replicas on 3 different Linux nodes, so they will not all schedule and the install is likely to fail. On a dev/test cluster set inference-router-ha: false.`,
    );
  }
  if (cluster.distribution?.toLowerCase() === 'openshift' && settings.openshift !== true) {
    warnings.push(
      `${describeCluster(settings.cluster)} runs OpenShift, but openshift is not true: the extension needs it to get its privileged security context constraints. Set openshift: true.`,
    );
  }
  return warnings;
}
