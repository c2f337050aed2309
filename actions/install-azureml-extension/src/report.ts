// Outputs and the job summary: what a person wants at a glance.

import { type Cell, JobSummary, type Outputs, type SummarySink } from '@arc-ml/actions-kit';
import type { ClusterInfo, InstalledExtension } from './azure-port.js';
import { describeCluster } from './azure-sdk-port.js';
import type { InstallSettings } from './inputs.js';
import { formatStatus } from './wait.js';

export type Outcome = 'installed' | 'updated' | 'unchanged' | 'failed';

const HEADLINE: Record<Outcome, string> = {
  installed: 'installed',
  updated: 'updated',
  unchanged: 'already as asked; nothing changed',
  failed: 'FAILED',
};

export function setOutputs(outputs: Outputs, extension: InstalledExtension, changed: boolean): void {
  outputs.set({
    'extension-id': extension.id,
    version: extension.currentVersion ?? extension.version,
    'provisioning-state': extension.provisioningState ?? 'Succeeded',
    changed,
  });
}

export interface SummaryFacts {
  readonly outcome: Outcome;
  readonly settings: InstallSettings;
  readonly cluster: ClusterInfo;
  readonly extension: InstalledExtension;
  /** `key: from → to` lines of what changed. */
  readonly changes: readonly string[];
  readonly elapsedMs?: number;
  readonly failure?: { readonly lines: readonly string[]; readonly cause: string };
}

export async function writeSummary(sink: SummarySink, facts: SummaryFacts): Promise<void> {
  const { settings, extension, cluster } = facts;
  const summary = new JobSummary(sink).heading(`AzureML extension ${HEADLINE[facts.outcome]}`).keyValues({
    Cluster: `${describeCluster(settings.cluster)}${cluster.nodeCount !== undefined ? `, ${cluster.nodeCount} nodes` : ''}`,
    Extension: { code: extension.id },
    Version: `${extension.currentVersion ?? extension.version ?? 'unknown'} (${extension.autoUpgradeMinorVersion === false ? 'pinned' : `release train ${extension.releaseTrain ?? settings.releaseTrain}, auto-upgrade`})`,
    'Provisioning state': extension.provisioningState ?? 'Succeeded',
    Training: settings.training ? 'enabled' : 'disabled',
    Inference: inferenceText(settings),
    ...(facts.elapsedMs !== undefined ? { 'Wait time': `${Math.round(facts.elapsedMs / 1000)}s` } : {}),
  });
  if (facts.failure) {
    summary
      .heading('What went wrong', 3)
      .list([...facts.failure.lines])
      .text(`Most likely: ${facts.failure.cause}`);
  }
  if (facts.changes.length > 0) {
    summary.details(`Settings changed (${facts.changes.length})`, (s) => s.list([...facts.changes]));
  }
  const statuses = extension.statuses;
  if (statuses.length > 0 && !facts.failure) {
    const rows: Cell[][] = statuses.map((status) => [status.level ?? '', status.code ?? '', status.message ?? '']);
    summary.details(`Extension statuses (${statuses.length})`, (s) => s.table(['Level', 'Code', 'Message'], rows));
  }
  await summary.write();
}

function inferenceText(settings: InstallSettings): string {
  const inference = settings.inference;
  if (!inference) return 'disabled';
  const scheme = inference.allowInsecureConnections
    ? 'HTTP (insecure)'
    : `HTTPS${inference.sslCname ? ` as ${inference.sslCname}` : ''}`;
  const router = `${inference.routerServiceType}${inference.internalLoadBalancer ? ' (internal)' : ''}`;
  return `${scheme}, router ${router}, HA ${inference.routerHighAvailability ? 'on' : 'off'}`;
}

/** One line per status, for the log. */
export function statusLines(extension: InstalledExtension): string[] {
  return extension.statuses.map(formatStatus);
}
