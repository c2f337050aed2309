// What the step tells the workflow: its outputs (exactly those action.yml declares) and a job
// summary a person can read at a glance.

import { type ActionIO, type Cell, formatDuration, JobSummary } from '@arc-ml/actions-kit';
import type { AzureCloud } from '@arc-ml/azure';
import type { ConnectedCluster, ManagedCluster } from './azure-port.js';

export interface Outcome {
  /** What this run did, in a few words: `nothing to do`, `onboarded with az connectedk8s connect`. */
  readonly did: string;
  readonly changed: boolean;
  /** How long the wait for Connected took, when there was one. */
  readonly waitedMs?: number;
}

interface Context {
  readonly io: Pick<ActionIO, 'outputs' | 'summary' | 'log'>;
  readonly cloud: AzureCloud;
  readonly tenantId: string;
  readonly resourceGroup: string;
}

export async function reportConnected(cluster: ConnectedCluster, outcome: Outcome, ctx: Context): Promise<void> {
  ctx.io.outputs.set({
    'cluster-id': cluster.id,
    'cluster-type': 'connected',
    'connectivity-status': cluster.connectivityStatus,
    'kubernetes-version': cluster.kubernetesVersion,
    'agent-version': cluster.agentVersion,
    changed: outcome.changed,
  });
  const versions = [
    cluster.kubernetesVersion ? `Kubernetes ${cluster.kubernetesVersion}` : undefined,
    cluster.agentVersion ? `agents ${cluster.agentVersion}` : undefined,
  ].filter(Boolean);
  ctx.io.log.info(
    `Arc cluster ${cluster.name} is ${cluster.connectivityStatus}${versions.length ? ` (${versions.join(', ')})` : ''}: ${outcome.did}`,
  );
  const nodes =
    cluster.totalNodeCount !== undefined
      ? `${cluster.totalNodeCount}${cluster.totalCoreCount !== undefined ? ` (${cluster.totalCoreCount} cores)` : ''}`
      : undefined;
  const rows: [string, Cell][] = [
    ['Cluster', cluster.name],
    ['Resource group', ctx.resourceGroup],
    ['Kind', 'Azure Arc connected cluster'],
    ['Connectivity', cluster.connectivityStatus],
    ['Kubernetes', cluster.kubernetesVersion],
    ['Arc agents', cluster.agentVersion],
    ['Nodes', nodes],
    ['Distribution', [cluster.distribution, cluster.infrastructure].filter(Boolean).join(' on ') || undefined],
    ['Location', cluster.location],
    [
      'This run',
      outcome.waitedMs !== undefined
        ? `${outcome.did}; Connected after ${formatDuration(outcome.waitedMs)}`
        : outcome.did,
    ],
    ['Cluster id', portalCell(cluster.id, ctx)],
  ];
  await new JobSummary(ctx.io.summary)
    .heading(`Arc cluster ${cluster.name}: ${cluster.connectivityStatus}`)
    .keyValues(rows.filter(([, value]) => value !== undefined && value !== ''))
    .write();
}

export async function reportManaged(cluster: ManagedCluster, outcome: Outcome, ctx: Context): Promise<void> {
  ctx.io.outputs.set({
    'cluster-id': cluster.id,
    'cluster-type': 'aks',
    'kubernetes-version': cluster.kubernetesVersion,
    changed: outcome.changed,
  });
  ctx.io.log.info(
    `AKS cluster ${cluster.name} is ${cluster.provisioningState}${cluster.kubernetesVersion ? ` (Kubernetes ${cluster.kubernetesVersion})` : ''}: ${outcome.did}`,
  );
  const rows: [string, Cell][] = [
    ['Cluster', cluster.name],
    ['Resource group', ctx.resourceGroup],
    ['Kind', 'AKS managed cluster (Arc not needed)'],
    ['Provisioning', cluster.provisioningState],
    ['Power', cluster.powerState],
    ['Kubernetes', cluster.kubernetesVersion],
    ['Nodes', cluster.nodeCount],
    ['Location', cluster.location],
    ['This run', outcome.did],
    ['Cluster id', portalCell(cluster.id, ctx)],
  ];
  await new JobSummary(ctx.io.summary)
    .heading(`AKS cluster ${cluster.name}: ${cluster.provisioningState ?? 'unknown'}`)
    .keyValues(rows.filter(([, value]) => value !== undefined && value !== ''))
    .write();
}

/** The cluster cannot be used (Offline, Expired, onboarding Failed…): the step fails; the summary says why and what to do. */
export async function reportUnusable(
  cluster: ConnectedCluster,
  failure: { readonly message: string; readonly hint?: string | undefined },
  ctx: Context,
): Promise<void> {
  const state =
    cluster.provisioningState && cluster.provisioningState.toLowerCase() !== 'succeeded'
      ? cluster.provisioningState
      : (cluster.connectivityStatus ?? 'not reporting');
  const rows: [string, Cell][] = [
    ['Cluster', cluster.name],
    ['Resource group', ctx.resourceGroup],
    ['Connectivity', cluster.connectivityStatus],
    ['Provisioning', cluster.provisioningState],
    ['Last connected', cluster.lastConnectivityTime?.toISOString()],
    ['Certificate expires', cluster.managedIdentityCertificateExpirationTime?.toISOString()],
    ['Kubernetes', cluster.kubernetesVersion],
    ['Arc agents', cluster.agentVersion],
    ['Cluster id', portalCell(cluster.id, ctx)],
  ];
  const summary = new JobSummary(ctx.io.summary)
    .heading(`Arc cluster ${cluster.name}: ${state}; not usable`)
    .text(failure.message);
  if (failure.hint) summary.heading('What to do', 3).text(failure.hint);
  await summary.keyValues(rows.filter(([, value]) => value !== undefined && value !== '')).write();
}

/** The resource id, linked to the portal of a public cloud. */
function portalCell(id: string, ctx: Context): Cell {
  if (!ctx.cloud.portal || ctx.cloud.isCustom) return { code: id };
  return { text: id, href: `${ctx.cloud.portal}/#@${ctx.tenantId}/resource${id}` };
}
