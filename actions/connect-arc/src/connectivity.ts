// What a connected cluster's state means for this step — ready, worth waiting for, or a failure
// with what it means and what to do — and the wait for `Connected` with progress lines.

import { ActionError, type Clock, createProgress, type Logger } from '@arc-ml/actions-kit';
import { type Sleep, TimeoutError, waitFor } from '@arc-ml/azure';
import type { ClusterPort, ConnectedCluster } from './azure-port.js';

export type Verdict =
  | { readonly kind: 'ready' }
  | { readonly kind: 'wait' }
  | { readonly kind: 'fail'; readonly error: ActionError };

interface Where {
  readonly resourceGroup: string;
  readonly clusterName: string;
}

const TROUBLESHOOTING = 'https://learn.microsoft.com/azure/azure-arc/kubernetes/troubleshooting';

/** Connected → ready; Connecting (or no status yet) → wait; Offline, Expired, Failed, Deleting → fail. */
export function judge(cluster: ConnectedCluster, where: Where): Verdict {
  const name = where.clusterName;
  const provisioning = cluster.provisioningState?.toLowerCase();
  const reonboard = `az connectedk8s delete --name ${name} --resource-group ${where.resourceGroup} --yes`;
  if (provisioning === 'failed' || provisioning === 'canceled') {
    return fail(
      `Arc cluster ${name} has provisioning state ${cluster.provisioningState}: its onboarding did not finish, so Azure will not manage it`,
      `Delete the connected cluster and onboard it again: ${reonboard}, then run this step with onboard: true and kubeconfig.`,
    );
  }
  if (provisioning === 'deleting') {
    return fail(
      `Arc cluster ${name} is being deleted`,
      'Wait for the deletion to finish (az connectedk8s show fails with ResourceNotFound), then run this step with onboard: true to onboard it again.',
    );
  }
  const status = cluster.connectivityStatus?.toLowerCase();
  if (status === 'connected') return { kind: 'ready' };
  if (status === 'offline') {
    const since = cluster.lastConnectivityTime ? ` since ${cluster.lastConnectivityTime.toISOString()}` : '';
    const expires = cluster.managedIdentityCertificateExpirationTime
      ? ` Its managed identity certificate expires ${cluster.managedIdentityCertificateExpirationTime.toISOString()}; after that the cluster turns Expired and must be onboarded again.`
      : '';
    return fail(
      `Arc cluster ${name} is Offline: its Arc agents have not reached Azure${since}.${expires}`,
      `Check the agents in the cluster: kubectl get pods -n azure-arc (all should be Running) and kubectl logs -n azure-arc deployment/clusterconnect-agent. The cluster must reach Azure Arc's endpoints (outbound 443); behind a proxy, give the agents its settings: az connectedk8s update --name ${name} --resource-group ${where.resourceGroup} --proxy-https … --proxy-skip-range …. See ${TROUBLESHOOTING}`,
    );
  }
  if (status === 'expired') {
    const when = cluster.managedIdentityCertificateExpirationTime
      ? ` on ${cluster.managedIdentityCertificateExpirationTime.toISOString()}`
      : '';
    return fail(
      `Arc cluster ${name} is Expired: its managed identity certificate expired${when} because the agents were offline for more than 90 days, so they can no longer authenticate to Azure`,
      `An expired cluster cannot reconnect. Delete it and onboard it again: ${reonboard}, then run this step with onboard: true and kubeconfig (extensions must be installed again afterwards).`,
    );
  }
  return { kind: 'wait' };
}

function fail(message: string, hint: string): Verdict {
  return { kind: 'fail', error: new ActionError(message, { hint }) };
}

export interface WaitDeps {
  readonly port: ClusterPort;
  readonly log: Pick<Logger, 'info'>;
  readonly clock: Clock;
  readonly sleep: Sleep;
  /** First wait between polls; it grows while nothing changes. */
  readonly intervalMs: number;
}

/** Polls the connected cluster until it is Connected (returned) or turns into a failure (thrown). */
export async function waitUntilConnected(where: Where, timeoutMs: number, deps: WaitDeps): Promise<ConnectedCluster> {
  const progress = createProgress({ log: deps.log, clock: deps.clock, label: `Arc cluster ${where.clusterName}` });
  try {
    const result = await waitFor<ConnectedCluster>({
      what: `Arc cluster ${where.clusterName} to become Connected`,
      poll: async () => {
        const cluster = await deps.port.getConnectedCluster(where.resourceGroup, where.clusterName);
        if (!cluster) {
          throw new ActionError(`Arc cluster ${where.clusterName} disappeared while this step waited for it`, {
            hint: 'Someone deleted the connected cluster; run this step again with onboard: true to onboard it again.',
          });
        }
        const state = cluster.connectivityStatus ?? cluster.provisioningState ?? 'Unknown';
        progress.update(state);
        return { state, done: judge(cluster, where).kind !== 'wait', value: cluster };
      },
      intervalMs: deps.intervalMs,
      maxIntervalMs: 30_000,
      timeoutMs,
      clock: deps.clock,
      sleep: deps.sleep,
    });
    const cluster = result.value!;
    const verdict = judge(cluster, where);
    if (verdict.kind === 'fail') throw verdict.error;
    progress.done('Connected');
    return cluster;
  } catch (error) {
    if (error instanceof TimeoutError) {
      throw new ActionError(`${error.message}`, {
        hint: `The Arc agents have not reported to Azure yet. Check them in the cluster: kubectl get pods -n azure-arc, kubectl logs -n azure-arc deployment/clusterconnect-agent; the cluster needs outbound access to Azure Arc's endpoints (or the proxy settings https-proxy, no-proxy, proxy-cert). Raise timeout when the cluster is slow to pull images. See ${TROUBLESHOOTING}`,
        cause: error,
      });
    }
    throw error;
  }
}
